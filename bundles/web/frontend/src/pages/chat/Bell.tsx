import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, must } from '../../api/client';
import type { components } from '../../api/schema';
import { useAuth } from '../../auth';
import { browserTimeZone, formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { follow } from '../../realtime';
import { Button } from '../../ui';

type Notices = components['schemas']['Notices'];

/**
 * The header's notices: how many messages of others the signed-in person has not seen yet, and on opening, which
 * visits they are in (who wrote the newest, whose visit, when; never what was written). The hub pokes the person's own
 * socket topic when it changes (a new message, a read or "seen" on another device); the list itself comes from
 * GET /notifications, which decides what may be shown. "Mark all as seen" clears the bell without marking anything read.
 */
export function Bell() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const { session } = useAuth();
  const patient = session?.user.roles.includes('patient') ?? false;
  const [notices, setNotices] = useState<Notices | null>(null);
  const [open, setOpen] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      setNotices(must(await api.GET('/notifications', { params: { query: { limit: 20 } } })));
    } catch { /* the bell stays as it was; the next poke or focus tries again */ }
  }, []);
  // pokes come in bursts (a message, then the read that follows it): one look after they settle
  const soon = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => { void load(); }, 400);
  }, [load]);

  useEffect(() => {
    void load();
    const stop = follow({
      types: ['notice.changed'],
      frame: () => ({ type: 'notice.subscribe', data: {} }),
      onEvent: soon,
      onAck: soon, // (re)connected: anything missed while offline is in the list
    });
    const again = () => { if (document.visibilityState === 'visible') soon(); };
    document.addEventListener('visibilitychange', again);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', again);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load, soon]);

  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => { if (e.key === 'Escape') setOpen(false); };
    const outside = (e: MouseEvent) => { if (panel.current && !panel.current.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', outside);
    return () => { document.removeEventListener('keydown', close); document.removeEventListener('mousedown', outside); };
  }, [open]);

  async function seenAll() {
    const items = notices?.items ?? [];
    if (items.length === 0) return;
    try {
      must(await api.POST('/notifications/seen', {
        // a direct conversation is named by its key where a visit is by its encounter
        body: { seen: items.map((n) => ({ encounterId: n.encounterId ?? `direct:${n.conversationId}`, sequence: n.newest! })) },
      }));
      setOpen(false);
      await load();
    } catch { /* left as it was: the list shows what is still unseen */ }
  }

  const count = notices?.unseen ?? 0;
  const shown = formatNumber(count, lang) + (notices?.more ? '+' : '');
  return (
    <div className="bell" ref={panel}>
      <button type="button" className="bell-button" aria-expanded={open} aria-controls="notices"
        aria-label={count ? t('chat.bell.some', { n: shown }) : t('chat.bell.none')} onClick={() => setOpen((o) => !o)}>
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor"
          strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count > 0 && <span className="badge unread" aria-hidden="true">{shown}</span>}
      </button>
      {open && (
        <div id="notices" className="notices card" role="region" aria-label={t('chat.bell.title')}>
          <h2>{t('chat.bell.title')}</h2>
          {(notices?.items ?? []).length === 0 && <p>{t('chat.bell.empty')}</p>}
          <ul>
            {(notices?.items ?? []).map((n) => (
              <li key={n.conversationId}>
                <Link to={n.encounterId ? `/encounters/${n.encounterId}` : `/messages/direct/${n.conversationId}`}
                  onClick={() => setOpen(false)}>
                  <span className="who"><bdi>{n.fromName}</bdi> · {t('chat.bell.wrote', { n: formatNumber(n.count ?? 0, lang) })}</span>
                  {n.encounterId ? <span className="visit-time">{t('chat.bell.visit', {
                    with: patient ? n.doctorName : n.patientName,
                    when: formatDateTime(n.scheduledStart!, lang, calendar, zone),
                  })}</span> : <span className="visit-time">{t('chat.direct.label')}</span>}
                  <span className="written">{t('chat.bell.at', { when: formatDateTime(n.newestAt!, lang, calendar, zone) })}</span>
                </Link>
              </li>
            ))}
          </ul>
          {(notices?.items ?? []).length > 0 && <Button variant="secondary" onPress={seenAll}>{t('chat.bell.seenAll')}</Button>}
        </div>
      )}
    </div>
  );
}
