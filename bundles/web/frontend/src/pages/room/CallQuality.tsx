import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { browserTimeZone, formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import './room.css';

/**
 * A visit's call-quality summary (what each person's browser measured during the call, kept by the hub): for the
 * doctor who ran it, after or during the visit. Shown only when the hub answers it (others are refused and see
 * nothing of it).
 */
export default function CallQuality({ encounterId, refresh }: { encounterId: string; refresh: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [items, setItems] = useState<Schemas['Quality'][] | null>(null);
  useEffect(() => {
    let live = true;
    api.GET('/video/{encounterId}/quality', { params: { path: { encounterId } } })
      .then((r) => { if (live) setItems(must(r).items ?? []); }, () => { if (live) setItems(null); });
    return () => { live = false; };
  }, [encounterId, refresh]);
  if (!items) return null;
  const n = (x: number | undefined) => formatNumber(x ?? 0, lang);
  const when = (x: string | undefined) => (x ? formatDateTime(x, lang, calendar, browserTimeZone()) : '');
  return (
    <section className="card call-quality" aria-labelledby="call-quality-title">
      <h2 id="call-quality-title">{t('room.summary.title')}</h2>
      {items.length === 0 ? <p>{t('room.summary.empty')}</p> : (
        // on a phone the table scrolls sideways: a region the keyboard can reach and scroll (WCAG 2.1.1)
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="call-quality-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('room.summary.who')}</th><th scope="col">{t('room.summary.rtt')}</th>
                <th scope="col">{t('room.summary.loss')}</th><th scope="col">{t('room.summary.rate')}</th>
                <th scope="col">{t('room.summary.path')}</th><th scope="col">{t('room.summary.samples')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((q) => (
                <tr key={q.member} data-member={q.member}>
                  <th scope="row" dir="auto">{q.name}<br /><small>{t('room.summary.when', { from: when(q.firstAt), to: when(q.lastAt) })}</small></th>
                  <td>{t('room.summary.ms', { avg: n(q.rttMsAvg), max: n(q.rttMsMax) })}</td>
                  <td>{t('room.summary.pct', { avg: n(q.lossPercentAvg), max: n(q.lossPercentMax) })}</td>
                  <td>{t('room.summary.kbps', { n: n(q.kbpsInAvg) })}</td>
                  <td>{t(q.relayed ? 'room.summary.relayed' : 'room.summary.direct')}</td>
                  <td>{n(q.samples)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
