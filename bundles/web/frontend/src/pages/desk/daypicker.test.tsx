import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { initI18n } from '../../i18n';
import DayPicker from './DayPicker';

function heading(lang: 'fa' | 'en', calendar: 'persian' | 'gregory', value: string | null): string {
  localStorage.setItem(`telehub.calendar.${lang}`, calendar);
  const i18n = initI18n(lang);
  const html = renderToString(<I18nextProvider i18n={i18n}>
    <DayPicker value={value} onChange={() => {}} zone="Asia/Tehran" label="Day" />
  </I18nextProvider>);
  return html.match(/<h3[^>]*>(.*?)<\/h3>/)?.[1] ?? html;
}

describe('the day picker', () => {
  it('shows the Jalali month to a Persian reader, with no day chosen yet and with one', async () => {
    const { setPrefsLang } = await import('../../prefs');
    setPrefsLang('fa');
    // the month and the year in either order (ICU versions differ: Node writes the year first, chromium the month)
    const month = /^(?=.*(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند))(?=.*[۰-۹]{4})[^0-9]*$/;
    expect(heading('fa', 'persian', null)).toMatch(month);
    expect(heading('fa', 'persian', '2027-03-21')).toMatch(/^(?=.*فروردین)(?=.*۱۴۰۶)/); // Nowruz 1406
    expect(heading('fa', 'gregory', '2027-03-21')).toMatch(/^(?=.*مارس)(?=.*۲۰۲۷)/);
    setPrefsLang('en');
    expect(heading('en', 'gregory', '2027-03-21')).toBe('March 2027');
  });
});
