import { Calendar, CalendarCell, CalendarGrid, Heading, I18nProvider, Button as AriaButton } from 'react-aria-components';
import { createCalendar, GregorianCalendar, PersianCalendar, parseDate, toCalendar, today, type DateValue } from '@internationalized/date';
import { useTranslation } from 'react-i18next';
import { localeTag, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import './desk.css';

const GREGORIAN = new GregorianCalendar();

/** The ISO day (YYYY-MM-DD, Gregorian) of a calendar value in whichever calendar system it is in. */
function iso(d: DateValue): string {
  return toCalendar(d, GREGORIAN).toString().slice(0, 10);
}

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
  const system = calendar === 'persian' ? new PersianCalendar() : GREGORIAN;
  const min = toCalendar(today(zone), system);
  return (
    // createCalendar: react-aria only knows the Gregorian calendar unless given the other systems (Jalali here)
    <I18nProvider locale={locale}>
      <Calendar aria-label={label} className="daypicker" createCalendar={createCalendar} value={value ? toCalendar(parseDate(value), system) : null}
        minValue={min} maxValue={min.add({ days: 365 })} onChange={(d) => onChange(iso(d))}>
        <header>
          <AriaButton slot="previous" className="btn btn-secondary" aria-label={t('desk.day.previous')}>‹</AriaButton>
          <Heading level={3} />
          <AriaButton slot="next" className="btn btn-secondary" aria-label={t('desk.day.next')}>›</AriaButton>
        </header>
        <CalendarGrid>
          {(date) => <CalendarCell date={date}>{({ formattedDate }) => <span data-day={iso(date)}>{formattedDate}</span>}</CalendarCell>}
        </CalendarGrid>
      </Calendar>
    </I18nProvider>
  );
}
