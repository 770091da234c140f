import { Calendar, CalendarCell, CalendarGrid, Heading, I18nProvider, Button as AriaButton } from 'react-aria-components';
import { createCalendar, toCalendar, today } from '@internationalized/date';
import { useTranslation } from 'react-i18next';
import { localeTag, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { dayIn, isoDay, systemOf } from './DateInput';
import './desk.css';

/**
 * A month calendar to choose the day whose free times are shown: in the reader's language and calendar choice (the
 * Jalali months for "Solar Hijri"), days before today in the reader's zone not selectable. Lazy-loaded by the pages
 * that use it (react-aria's calendar and @internationalized/date's calendar systems are their own chunk).
 */
export default function DayPicker({ value, onChange, zone, label }: {
  value: string | null; onChange: (day: string) => void; zone: string; label: string;
}) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const locale = localeTag(i18n.language as Lang, calendar);
  // every value in the calendar shown: react-aria starts at the first allowed day and keeps its calendar, so a
  // Gregorian minimum would make the whole picker Gregorian whatever the locale says
  const min = toCalendar(today(zone), systemOf(calendar));
  return (
    // createCalendar: react-aria only knows the Gregorian calendar unless given the other systems (Jalali here)
    <I18nProvider locale={locale}>
      <Calendar aria-label={label} className="daypicker" createCalendar={createCalendar} value={value ? dayIn(value, calendar) : null}
        minValue={min} maxValue={min.add({ days: 365 })} onChange={(d) => onChange(isoDay(d))}>
        <header>
          <AriaButton slot="previous" className="btn btn-secondary" aria-label={t('desk.day.previous')}>‹</AriaButton>
          <Heading level={3} />
          <AriaButton slot="next" className="btn btn-secondary" aria-label={t('desk.day.next')}>›</AriaButton>
        </header>
        <CalendarGrid>
          {(date) => <CalendarCell date={date}>{({ formattedDate }) => <span data-day={isoDay(date)}>{formattedDate}</span>}</CalendarCell>}
        </CalendarGrid>
      </Calendar>
    </I18nProvider>
  );
}
