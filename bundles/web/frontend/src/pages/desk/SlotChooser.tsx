import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { dayKey, formatDate, formatTime, listOf, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button } from '../../ui';
import type { Slot } from './slots';

// react-aria's calendar and the calendar systems are a chunk of their own, loaded when a doctor is chosen
const DayPicker = lazy(() => import('./DayPicker'));

/**
 * A doctor's free times to choose one from, as the patient's "find a doctor" and the desk's booking show them: a day
 * picker (no day: the soonest times), then the times grouped by day in `zone`, as radio buttons named `slot`.
 */
export default function SlotChooser({ slots, day, onDay, slot, onSlot, zone, noneSoon, clinicName }: {
  slots: Slot[] | null; day: string | null; onDay: (day: string | null) => void;
  slot: string | null; onSlot: (start: string) => void; zone: string; noneSoon: string;
  /** given: each time says at which clinics it is (a doctor of several clinics, none chosen) */
  clinicName?: (id: string) => string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const byDay = new Map<string, Slot[]>();
  for (const s of (slots ?? []).slice(0, 60)) {
    const k = dayKey(s.start!, zone);
    byDay.set(k, [...(byDay.get(k) ?? []), s]);
  }
  return (
    <>
      <div className="day-choice">
        <Suspense fallback={<p>{t('loading')}</p>}>
          <DayPicker value={day} onChange={onDay} zone={zone} label={t('desk.day.label')} />
        </Suspense>
        {day && <Button variant="secondary" onPress={() => onDay(null)}>{t('desk.day.soonest')}</Button>}
      </div>
      {slots === null && <p>{t('loading')}</p>}
      {slots && slots.length === 0 && <p role="status">{day ? t('desk.day.noneThatDay') : noneSoon}</p>}
      {[...byDay].map(([k, list]) => (
        <fieldset key={k} className="slots">
          <legend>{formatDate(list[0].start!, lang, calendar, zone)}</legend>
          {list.map((s) => (
            <label key={s.start} className={`slot ${slot === s.start ? 'chosen' : ''}`}>
              <input type="radio" name="slot" value={s.start} checked={slot === s.start} onChange={() => onSlot(s.start!)} />
              {formatTime(s.start!, lang, zone)}
              {clinicName && (s.clinicIds ?? []).length > 0 && (
                <small className="slot-clinic">{listOf((s.clinicIds ?? []).map(clinicName).filter((n): n is string => !!n).sort((a, b) => a.localeCompare(b, lang)), lang)}</small>
              )}
            </label>
          ))}
        </fieldset>
      ))}
    </>
  );
}
