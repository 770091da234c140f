import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { browserTimeZone, formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import './room.css';

/**
 * A visit's recordings, for the doctor who ran it (and administrators): each part with its state and a player. The
 * hub decrypts a part as it is played; a part still being recorded has no player yet. Shown only when the hub answers
 * (everyone else is refused and sees nothing of it).
 */
export default function Recordings({ encounterId, refresh }: { encounterId: string; refresh: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [items, setItems] = useState<Schemas['Recording'][] | null>(null);
  useEffect(() => {
    let live = true;
    api.GET('/video/{encounterId}/recordings', { params: { path: { encounterId } } })
      .then((r) => { if (live) setItems(must(r).items ?? []); }, () => { if (live) setItems(null); });
    return () => { live = false; };
  }, [encounterId, refresh]);
  if (!items || items.length === 0) return null;
  const when = (x: string | undefined) => (x ? formatDateTime(x, lang, calendar, browserTimeZone()) : '');
  return (
    <section className="card recordings" aria-labelledby="recordings-title">
      <h2 id="recordings-title">{t('room.recordings.title')}</h2>
      <ul data-testid="recordings">
        {items.map((r) => (
          <li key={r.id} data-state={r.state}>
            <p>
              <strong>{t('room.recordings.part', { n: formatNumber(r.part ?? 0, lang) })}</strong>{' · '}
              {t(`room.recordings.state.${r.state === 'recording' || r.state === 'interrupted' ? r.state : 'stopped'}`)}{' · '}
              {t('room.recordings.when', { from: when(r.startedAt), to: when(r.endedAt) })}{' · '}
              {t('room.recordings.size', { kb: formatNumber(Math.round((r.sizeBytes ?? 0) / 1024), lang) })}
            </p>
            {r.state !== 'recording' && (
              <audio controls preload="none" src={`/api/v1/video/${encodeURIComponent(encounterId)}/recordings/${encodeURIComponent(r.id ?? '')}`}
                aria-label={t('room.recordings.play', { n: formatNumber(r.part ?? 0, lang) })} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
