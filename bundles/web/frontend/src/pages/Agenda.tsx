import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { UnreadBadge, useUnread } from './chat/Unread';
import { api, must } from '../api/client';
import type { Encounter } from '../auth';
import { browserTimeZone, dayKey, formatDate, formatTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { Button, ErrorNote } from '../ui';

export default function Agenda() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const [mode, setMode] = useState<'day' | 'week'>('week');
  const [anchor, setAnchor] = useState(() => { const d = new Date(); d.setHours(0, 0, 0, 0); return d; });
  const [items, setItems] = useState<Encounter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const days = mode === 'day' ? 1 : 7;
  const to = new Date(anchor.getTime() + days * 86400_000);

  useEffect(() => {
    setItems(null);
    api.GET('/encounters', { params: { query: { from: anchor.toISOString(), to: to.toISOString(), limit: 200, zone } } })
      .then((r) => setItems(((must(r).items ?? []) as Encounter[]).sort((a, b) => a.scheduledStart!.localeCompare(b.scheduledStart!))))
      .catch(setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [anchor.getTime(), mode]);

  const unread = useUnread((items ?? []).map((e) => e.id!));
  const move = (n: number) => setAnchor(new Date(anchor.getTime() + n * days * 86400_000));
  const byDay = new Map<string, Encounter[]>();
  for (const e of items ?? []) {
    const k = dayKey(e.scheduledStart!, zone);
    byDay.set(k, [...(byDay.get(k) ?? []), e]);
  }

  return (
    <section aria-labelledby="agenda-title">
      <h1 id="agenda-title">{t('agenda.title')}</h1>
      <p><Link to="/agenda/hours">{t('desk.hours.title')}</Link></p>
      <div className="toolbar" role="toolbar" aria-label={t('agenda.title')}>
        <Button variant={mode === 'day' ? 'primary' : 'secondary'} onPress={() => setMode('day')} aria-pressed={mode === 'day'}>{t('agenda.day')}</Button>
        <Button variant={mode === 'week' ? 'primary' : 'secondary'} onPress={() => setMode('week')} aria-pressed={mode === 'week'}>{t('agenda.week')}</Button>
        <Button variant="secondary" onPress={() => move(-1)}>{t('agenda.previous')}</Button>
        <Button variant="secondary" onPress={() => { const d = new Date(); d.setHours(0, 0, 0, 0); setAnchor(d); }}>{t('agenda.today')}</Button>
        <Button variant="secondary" onPress={() => move(1)}>{t('agenda.next')}</Button>
      </div>
      <p>{formatDate(anchor, lang, calendar, zone)}{days > 1 ? ` – ${formatDate(new Date(to.getTime() - 1), lang, calendar, zone)}` : ''}</p>
      <ErrorNote error={error} />
      {items === null && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('agenda.none')}</p>}
      {[...byDay].map(([day, list]) => (
        <div key={day} className="card">
          <h2>{formatDate(list[0].scheduledStart!, lang, calendar, zone)}</h2>
          <ul className="agenda">
            {list.map((e) => (
              <li key={e.id}>
                <Link to={`/encounters/${e.id}`}>{formatTime(e.scheduledStart!, lang, zone)} — {e.patientName}</Link>
                {' '}<span className={`status status-${e.status}`}>{t(`status.${e.status}`, { defaultValue: e.status })}</span>
                {e.chiefComplaint && <span className="muted"> · {e.chiefComplaint}</span>}
                {' '}<UnreadBadge count={unread[e.id!]} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
