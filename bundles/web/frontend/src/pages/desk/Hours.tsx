import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import './desk.css';
import DateInput from './DateInput';

type Availability = Schemas['Availability'];
type Range = { start: string; end: string; clinicId: string };
type Exception = { date: string; kind: string; start: string; end: string; reason: string; clinicId: string };
type Clinic = { id: string; name: string };

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** The week as the reader's calendar lays it out: from Saturday in Persian (the Iranian week), from Monday otherwise. */
export function weekOf(lang: string): readonly (typeof DAYS)[number][] {
  return lang === 'fa' ? [...DAYS.slice(5), ...DAYS.slice(0, 5)] : DAYS;
}

/**
 * The doctor's working hours and exceptions (GET/PUT /doctors/{id}/availability): weekly hours per weekday in the
 * doctor's own zone, whole or partial days off and extra hours on a date. The API checks everything; its words are
 * shown next to the field it names (weekly.monday[0].end, exceptions[2].date, …). A doctor of clinics says at which
 * clinic each range of hours is (the directory's clinics they belong to); two clinics' hours may overlap.
 */
export default function Hours() {
  const { t, i18n } = useTranslation();
  const { session } = useAuth();
  const [doctorId, setDoctorId] = useState<string | null>(null);
  const [zone, setZone] = useState('');
  const [slotMinutes, setSlotMinutes] = useState('');
  const [weekly, setWeekly] = useState<Record<string, Range[]>>({});
  const [exceptions, setExceptions] = useState<Exception[]>([]);
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [loaded, setLoaded] = useState(false);

  function show(a: Availability) {
    setZone(a.timeZone ?? '');
    setSlotMinutes(String(a.slotMinutes ?? ''));
    const w: Record<string, Range[]> = {};
    for (const d of DAYS) w[d] = (a.weekly?.[d] ?? []).map((h) => ({ start: h.start ?? '', end: h.end ?? '', clinicId: h.clinicId ?? '' }));
    setWeekly(w);
    setExceptions((a.exceptions ?? []).map((x) => ({ date: x.date ?? '', kind: x.kind ?? 'off', start: x.start ?? '', end: x.end ?? '', reason: x.reason ?? '', clinicId: x.clinicId ?? '' })));
  }

  useEffect(() => {
    (async () => {
      try {
        // the doctor record linked to this account
        const all = must(await api.GET('/doctors', { params: { query: { limit: 500 } } }));
        const mine = all.find((d) => d.username === session?.user.username);
        if (!mine) throw new Error(t('desk.hours.noRecord'));
        setDoctorId(mine.id!);
        show(must(await api.GET('/doctors/{id}/availability', { params: { path: { id: mine.id! } } })));
        // the clinics they work at, from the directory (without it: hours at no clinic in particular)
        const profile = await api.GET('/directory/doctors/{id}', { params: { path: { id: mine.id! } } }).catch(() => null);
        setClinics(((profile?.data?.clinics ?? []).filter((c) => c.id && c.name)) as Clinic[]);
        setLoaded(true);
      } catch (err) { setError(err); }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session?.user.username]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice('');
    const body: Availability = {
      timeZone: zone.trim() || undefined,
      slotMinutes: slotMinutes.trim() === '' ? undefined : Number(slotMinutes),
      weekly: Object.fromEntries(DAYS.map((d) => [d, (weekly[d] ?? []).map((r) => ({ start: r.start, end: r.end, clinicId: r.clinicId || undefined }))])),
      exceptions: exceptions.map((x) => ({
        date: x.date, kind: x.kind, start: x.start || undefined, end: x.end || undefined, reason: x.reason.trim() || undefined,
        clinicId: x.kind === 'extra' && x.clinicId ? x.clinicId : undefined,
      })),
    };
    try {
      show(must(await api.PUT('/doctors/{id}/availability', { params: { path: { id: doctorId! } }, body })));
      setNotice(t('desk.hours.saved'));
    } catch (err) { setError(err); }
  }

  const fe = (field: string) => fieldError(error, field);
  // an error on a whole day's list (overlapping ranges) or a whole range is shown at the day / the range
  const shownAt = error instanceof ApiError && !!error.field && /^(timeZone|slotMinutes|weekly\..+|exceptions(\[\d+\].*)?)$/.test(error.field);
  const setRange = (d: string, i: number, k: keyof Range, v: string) => setWeekly({ ...weekly, [d]: weekly[d].map((r, j) => (j === i ? { ...r, [k]: v } : r)) });
  const setEx = (i: number, k: keyof Exception, v: string) => setExceptions(exceptions.map((x, j) => (j === i ? { ...x, [k]: v } : x)));

  return (
    <section aria-labelledby="hours-title">
      <h1 id="hours-title">{t('desk.hours.title')}</h1>
      <p><Link to="/agenda">{t('desk.hours.back')}</Link></p>
      {!loaded && !error && <p>{t('loading')}</p>}
      {!loaded && <ErrorNote error={error} />}
      {loaded && (
        <Form onSubmit={save} validationBehavior="aria">
          <div className="card grid2">
            <Field label={t('desk.hours.zone')} name="timeZone" value={zone} onChange={setZone} description={t('desk.hours.zoneHint')} error={fe('timeZone')} />
            <Field label={t('desk.hours.slot')} name="slotMinutes" inputMode="numeric" value={slotMinutes} onChange={setSlotMinutes} error={fe('slotMinutes')} />
          </div>
          <div className="card">
            <h2>{t('desk.hours.weekly')}</h2>
            {clinics.length > 0 && <p className="muted">{t('desk.hours.clinicsHint')}</p>}
            {weekOf(i18n.language).map((d) => (
              <fieldset key={d} className="weekday" data-day={d}>
                <legend>{t(`desk.days.${d}`)}</legend>
                {(weekly[d] ?? []).length === 0 && <p className="muted">{t('desk.hours.free')}</p>}
                {fe(`weekly.${d}`) && <p className="error">{fe(`weekly.${d}`)}</p>}
                <ul className="rows">
                  {(weekly[d] ?? []).map((r, i) => (
                    <li key={i}>
                      <Field label={t('desk.hours.from')} name={`weekly.${d}[${i}].start`} type="time" value={r.start} onChange={(v) => setRange(d, i, 'start', v)} error={fe(`weekly.${d}[${i}].start`) ?? fe(`weekly.${d}[${i}]`)} />
                      <Field label={t('desk.hours.to')} name={`weekly.${d}[${i}].end`} type="time" value={r.end} onChange={(v) => setRange(d, i, 'end', v)} error={fe(`weekly.${d}[${i}].end`)} />
                      {clinics.length > 0 && (
                        <ClinicChoice name={`weekly.${d}[${i}].clinicId`} value={r.clinicId} clinics={clinics} onChange={(v) => setRange(d, i, 'clinicId', v)}
                          error={fe(`weekly.${d}[${i}].clinicId`)} />
                      )}
                      <Button variant="danger" onPress={() => setWeekly({ ...weekly, [d]: weekly[d].filter((_, j) => j !== i) })}
                        aria-label={`${t('desk.remove')}: ${t(`desk.days.${d}`)} ${r.start}–${r.end}`}>{t('desk.remove')}</Button>
                    </li>
                  ))}
                </ul>
                <Button variant="secondary" onPress={() => setWeekly({ ...weekly, [d]: [...(weekly[d] ?? []), { start: '09:00', end: '17:00', clinicId: clinics.length === 1 ? clinics[0].id : '' }] })}
                  aria-label={`${t('desk.hours.addHours')}: ${t(`desk.days.${d}`)}`}>{t('desk.hours.addHours')}</Button>
              </fieldset>
            ))}
          </div>
          <div className="card">
            <h2>{t('desk.hours.exceptions')}</h2>
            <p className="muted">{t('desk.hours.exceptionsHint')}</p>
            {fe('exceptions') && <p className="error">{fe('exceptions')}</p>}
            <ul className="rows">
              {exceptions.map((x, i) => (
                <li key={i} data-testid="exception">
                  <DateInput label={t('desk.hours.date')} name={`exceptions[${i}].date`} value={x.date} onChange={(v) => setEx(i, 'date', v)} error={fe(`exceptions[${i}].date`)} />
                  <label className="field">{t('desk.hours.kind')}
                    <select name={`exceptions[${i}].kind`} value={x.kind} onChange={(e) => setEx(i, 'kind', e.target.value)}>
                      <option value="off">{t('desk.hours.off')}</option>
                      <option value="extra">{t('desk.hours.extra')}</option>
                    </select>
                  </label>
                  <Field label={t('desk.hours.from')} name={`exceptions[${i}].start`} type="time" value={x.start} onChange={(v) => setEx(i, 'start', v)} error={fe(`exceptions[${i}].start`) ?? fe(`exceptions[${i}]`)} />
                  <Field label={t('desk.hours.to')} name={`exceptions[${i}].end`} type="time" value={x.end} onChange={(v) => setEx(i, 'end', v)} error={fe(`exceptions[${i}].end`)} />
                  {clinics.length > 0 && x.kind === 'extra' && (
                    <ClinicChoice name={`exceptions[${i}].clinicId`} value={x.clinicId} clinics={clinics} onChange={(v) => setEx(i, 'clinicId', v)}
                      error={fe(`exceptions[${i}].clinicId`)} />
                  )}
                  <Field label={t('desk.hours.reason')} name={`exceptions[${i}].reason`} value={x.reason} onChange={(v) => setEx(i, 'reason', v)} error={fe(`exceptions[${i}].reason`)} />
                  <Button variant="danger" onPress={() => setExceptions(exceptions.filter((_, j) => j !== i))}
                    aria-label={`${t('desk.remove')}: ${x.date || i + 1}`}>{t('desk.remove')}</Button>
                </li>
              ))}
            </ul>
            <Button variant="secondary" onPress={() => setExceptions([...exceptions, { date: '', kind: 'off', start: '', end: '', reason: '', clinicId: '' }])}>{t('desk.hours.addException')}</Button>
          </div>
          <div className="actions"><Button type="submit">{t('desk.hours.save')}</Button></div>
          {!shownAt && <ErrorNote error={error} />}
          {shownAt && <p className="error" role="alert">{t('desk.hours.fix')}</p>}
          {notice && <Notice>{notice}</Notice>}
        </Form>
      )}
    </section>
  );
}

/** Where a range of hours is: one of the doctor's clinics, or none in particular. */
function ClinicChoice({ name, value, clinics, onChange, error }: {
  name: string; value: string; clinics: Clinic[]; onChange: (v: string) => void; error?: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="field">{t('desk.hours.clinic')}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}>
        <option value="">{t('desk.hours.noClinic')}</option>
        {clinics.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
      {error && <span className="error">{error}</span>}
    </label>
  );
}
