import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must } from '../api/client';
import type { Encounter } from '../auth';
import { browserTimeZone, dayKey, formatDate, formatDateTime, formatTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { Link } from 'react-router';
import { Button, ErrorNote, Field, Notice } from '../ui';
import { UnreadBadge, useUnread } from './chat/Unread';

const UPCOMING = new Set(['scheduled', 'confirmed', 'in_progress']);

export default function Visits() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Encounter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try {
      const page = must(await api.GET('/encounters', { params: { query: { limit: 200, zone: browserTimeZone() } } }));
      setItems((page.items ?? []) as Encounter[]);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const unread = useUnread((items ?? []).map((e) => e.id!));

  const upcoming = (items ?? []).filter((e) => UPCOMING.has(e.status!))
    .sort((a, b) => a.scheduledStart!.localeCompare(b.scheduledStart!));
  const past = (items ?? []).filter((e) => !UPCOMING.has(e.status!))
    .sort((a, b) => b.scheduledStart!.localeCompare(a.scheduledStart!));

  const changed = (msg: string) => { setNotice(msg); setError(null); void load(); };

  return (
    <section aria-labelledby="visits-title">
      <h1 id="visits-title">{t('visits.title')}</h1>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {items === null && !error && <p>{t('loading')}</p>}
      <h2>{t('visits.upcoming')}</h2>
      {items && upcoming.length === 0 && <p>{t('visits.none')}</p>}
      <ul className="visits" aria-label={t('visits.upcoming')}>
        {upcoming.map((e) => <VisitItem key={e.id} e={e} unread={unread[e.id!]} onChanged={changed} onError={setError} />)}
      </ul>
      <h2>{t('visits.past')}</h2>
      {items && past.length === 0 && <p>{t('visits.none')}</p>}
      <ul className="visits" aria-label={t('visits.past')}>
        {past.map((e) => <VisitItem key={e.id} e={e} unread={unread[e.id!]} onChanged={changed} onError={setError} />)}
      </ul>
    </section>
  );
}

function VisitItem({ e, unread, onChanged, onError }: {
  e: Encounter; unread?: number; onChanged: (m: string) => void; onError: (e: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const [moving, setMoving] = useState(false);
  const [slots, setSlots] = useState<{ start?: string }[] | null>(null);
  const [slot, setSlot] = useState('');
  const [reason, setReason] = useState('');
  const can = (a: string) => (e.allowedTransitions ?? []).includes(a);
  const ahead = e.status === 'scheduled' || e.status === 'confirmed';

  async function openReschedule() {
    setMoving(true);
    try {
      const from = new Date();
      const r = await api.GET('/doctors/{id}/slots', { params: { path: { id: e.doctorId! },
        query: { from: from.toISOString(), to: new Date(from.getTime() + 14 * 86400_000).toISOString() } } });
      setSlots((must(r).slots ?? []).slice(0, 40));
    } catch (err) { onError(err); }
  }
  async function reschedule(ev: FormEvent) {
    ev.preventDefault();
    try {
      await api.POST('/encounters/{id}/reschedule', { params: { path: { id: e.id! } }, body: { scheduledStart: slot } });
      setMoving(false);
      onChanged(t('visits.rescheduled'));
    } catch (err) { onError(err); }
  }
  async function cancel() {
    try {
      await api.POST('/encounters/{id}/cancel', { params: { path: { id: e.id! } }, body: { reason: reason || undefined } });
      onChanged(t('visits.cancelled'));
    } catch (err) { onError(err); }
  }

  return (
    <li className="card visit">
      <h3>{formatDateTime(e.scheduledStart!, lang, calendar, zone)}</h3>
      <p>{t('visits.with', { name: e.doctorName })} · <span className={`status status-${e.status}`}>{t(`status.${e.status}`, { defaultValue: e.status })}</span></p>
      {e.chiefComplaint && <p>{e.chiefComplaint}</p>}
      <p><Link to={`/encounters/${e.id}`}>{t('chat.open')}</Link> <UnreadBadge count={unread} /></p>
      {ahead && (
        <div className="actions">
          <Button variant="secondary" onPress={openReschedule}>{t('visits.reschedule')}</Button>
          {can('cancel') && <Button variant="danger" onPress={cancel}>{t('visits.cancel')}</Button>}
        </div>
      )}
      {ahead && can('cancel') && (
        <Field label={t('visit.reason')} name={`reason-${e.id}`} value={reason} onChange={setReason} />
      )}
      {moving && slots && (
        <Form onSubmit={reschedule}>
          <fieldset className="slots">
            <legend>{t('visits.newTime')}</legend>
            {slots.map((s) => (
              <label key={s.start} className={`slot ${slot === s.start ? 'chosen' : ''}`}>
                <input type="radio" name={`move-${e.id}`} value={s.start} checked={slot === s.start} onChange={() => setSlot(s.start!)} />
                {dayKey(s.start!, zone) !== dayKey(new Date(), zone) ? formatDate(s.start!, lang, calendar, zone) + ' ' : ''}{formatTime(s.start!, lang, zone)}
              </label>
            ))}
          </fieldset>
          <Button type="submit" isDisabled={!slot}>{t('visits.reschedule')}</Button>
        </Form>
      )}
    </li>
  );
}
