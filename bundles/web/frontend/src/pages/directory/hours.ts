/** Opening hours as typed ("08:00-12:30, 14:00-18:00"; Persian or Arabic-Indic digits too) and as the API keeps them. */
export type Hours = { start?: string; end?: string };

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII. */
export function asciiDigits(s: string): string {
  return s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

/**
 * One day's ranges from what was typed: pieces separated by commas (Latin or Persian), each start and end joined by a
 * hyphen or dash. A piece that is not two times is sent as its start, so the hub names it at its field.
 */
export function parseDay(text: string): Hours[] {
  return asciiDigits(text).split(/[,،]/).map((p) => p.trim()).filter(Boolean).map((p) => {
    const m = p.match(/^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$/);
    if (!m) return { start: p, end: '' };
    const pad = (t: string) => (t.length === 4 ? `0${t}` : t);
    return { start: pad(m[1]), end: pad(m[2]) };
  });
}

/** A day's ranges as typed back. */
export function formatDay(ranges: Hours[] | undefined): string {
  return (ranges ?? []).map((r) => `${r.start}-${r.end}`).join(', ');
}

/** A weekday's name in the reader's language (2024-01-01 was a Monday). */
export function weekdayName(day: (typeof WEEKDAYS)[number], lang: string): string {
  const i = WEEKDAYS.indexOf(day);
  return new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + i)));
}
