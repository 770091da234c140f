import { DateField, DateInput as AriaDateInput, DateSegment, FieldError, I18nProvider, Label } from 'react-aria-components';
import { GregorianCalendar, PersianCalendar, parseDate, toCalendar, type CalendarDate, type DateValue } from '@internationalized/date';
import { useTranslation } from 'react-i18next';
import { localeTag, type Lang } from '../../format';
import { useCalendar } from '../../prefs';

const GREGORIAN = new GregorianCalendar();

/** The ISO day (YYYY-MM-DD, Gregorian: what the API takes) of a value in whichever calendar system it is in. */
export function isoDay(d: DateValue): string {
  return toCalendar(d, GREGORIAN).toString().slice(0, 10);
}

/** The calendar system of the reader's choice (Solar Hijri or Gregorian). */
export function systemOf(calendar: 'persian' | 'gregory') {
  return calendar === 'persian' ? new PersianCalendar() : GREGORIAN;
}

/** An ISO day as a value in the reader's calendar system; null when empty or not a day. */
export function dayIn(value: string, calendar: 'persian' | 'gregory'): CalendarDate | null {
  if (!value) return null;
  try {
    return toCalendar(parseDate(value), systemOf(calendar));
  } catch {
    return null;
  }
}

/**
 * A calendar date typed in the reader's language and calendar (a Jalali year, month and day for "Solar Hijri"; the
 * segments in the locale's order), given to and taken from the page as an ISO day. The browser's own date input
 * only knows the Gregorian calendar. Used by the staff pages (birth dates, the doctor's exceptions); a chunk of its
 * own with react-aria's date field.
 */
export default function DateInput({ label, name, value, onChange, error, isRequired }: {
  label: string; name: string; value: string; onChange: (iso: string) => void; error?: string; isRequired?: boolean;
}) {
  const { i18n } = useTranslation();
  const calendar = useCalendar();
  return (
    <I18nProvider locale={localeTag(i18n.language as Lang, calendar)}>
      <DateField className="field date-field" name={name} value={dayIn(value, calendar)} isRequired={isRequired}
        isInvalid={!!error} validationBehavior="aria" granularity="day"
        onChange={(d) => onChange(d ? isoDay(d) : '')}>
        <Label>{label}</Label>
        <AriaDateInput className="date-input">{(segment) => <DateSegment segment={segment} />}</AriaDateInput>
        <FieldError>{error}</FieldError>
      </DateField>
    </I18nProvider>
  );
}
