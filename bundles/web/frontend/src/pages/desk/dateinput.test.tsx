import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { initI18n } from '../../i18n';
import DateInput, { dayIn, isoDay } from './DateInput';
import { weekOf } from './Hours';

function segments(lang: 'fa' | 'en', calendar: 'persian' | 'gregory', value: string): string[] {
  localStorage.setItem(`telehub.calendar.${lang}`, calendar);
  const i18n = initI18n(lang);
  const html = renderToString(<I18nextProvider i18n={i18n}>
    <DateInput label="Birth date" name="birthDate" value={value} onChange={() => {}} />
  </I18nextProvider>);
  return [...html.matchAll(/role="spinbutton"[^>]*>([^<]*)</g)].map((m) => m[1]);
}

describe('the date field', () => {
  it('shows a birth date as Jalali year, month and day to a Persian reader who chose that calendar', async () => {
    const { setPrefsLang } = await import('../../prefs');
    setPrefsLang('fa');
    // 12 April 1989 is 23 Farvardin 1368
    expect(segments('fa', 'persian', '1989-04-12').sort()).toEqual(['۱', '۱۳۶۸', '۲۳'].sort());
    setPrefsLang('en');
    expect(segments('en', 'gregory', '1989-04-12')).toEqual(['4', '12', '1989']);
  });

  it('gives the API the Gregorian ISO day whatever calendar the value is in', () => {
    expect(isoDay(dayIn('1989-04-12', 'persian')!)).toBe('1989-04-12');
    const jalali = dayIn('1989-04-12', 'persian')!;
    expect([jalali.calendar.identifier, jalali.year, jalali.month, jalali.day]).toEqual(['persian', 1368, 1, 23]);
    expect(dayIn('not a day', 'gregory')).toBeNull();
    expect(dayIn('', 'persian')).toBeNull();
  });

  it('lays out the week from Saturday for Persian readers, from Monday otherwise', () => {
    expect(weekOf('fa')[0]).toBe('saturday');
    expect(weekOf('fa').at(-1)).toBe('friday');
    expect(weekOf('en')[0]).toBe('monday');
    expect(new Set(weekOf('fa')).size).toBe(7);
  });
});
