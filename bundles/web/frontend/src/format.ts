// Dates, times and numbers as the reader expects them: the app's language, the reader's own time zone, and for
// Persian readers the Jalali (Solar Hijri) calendar if they choose it. Everything goes through Intl, so the digits are
// the locale's (Persian digits for 'fa').

export type Lang = 'en' | 'fa' | 'ru';
export type CalendarChoice = 'gregory' | 'persian';

export const LANGS: Lang[] = ['en', 'fa', 'ru'];

export function dirOf(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'fa' ? 'rtl' : 'ltr';
}

/** The BCP 47 tag Intl gets: the language with the chosen calendar as a Unicode extension. */
export function localeTag(lang: Lang, calendar: CalendarChoice): string {
  return `${lang}-u-ca-${calendar}`;
}

export function defaultCalendar(lang: Lang): CalendarChoice {
  return lang === 'fa' ? 'persian' : 'gregory';
}

export function formatDateTime(iso: string | Date, lang: Lang, calendar: CalendarChoice, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(localeTag(lang, calendar), {
    dateStyle: 'medium', timeStyle: 'short', timeZone,
  }).format(d);
}

export function formatDate(iso: string | Date, lang: Lang, calendar: CalendarChoice, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const f = new Intl.DateTimeFormat(localeTag(lang, calendar), {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone,
  });
  if (lang !== 'fa') return f.format(d);
  // ICU has no Persian pattern for this combination and falls back to the root one ("۱۴۰۵ آذر ۱۱, چهارشنبه", with
  // a Latin comma); Persian readers write the weekday, then day, month and year: "چهارشنبه، ۱۱ آذر ۱۴۰۵"
  const part = (type: Intl.DateTimeFormatPartTypes) => f.formatToParts(d).find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')}، ${part('day')} ${part('month')} ${part('year')}`;
}

export function formatTime(iso: string | Date, lang: Lang, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone }).format(d);
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A share from 0 to 1 as a whole percentage in the reader's digits and sign (fa: ۹۳٪). */
export function formatPercent(share: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** The day (YYYY-MM-DD) a moment falls on in a time zone: how slots and visits are grouped. */
export function dayKey(iso: string | Date, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(d);
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Items as a list in the reader's language (the Persian comma in Persian). */
export function listOf(items: string[], lang: string): string {
  return items.join(lang === 'fa' ? '، ' : ', ');
}
