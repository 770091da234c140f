import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, must } from '../../api/client';
import type { components } from '../../api/schema';
import { useAuth } from '../../auth';
import { browserTimeZone, formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote } from '../../ui';
import { UnreadBadge } from './Unread';

type Summary = components['schemas']['Summary'];

/**
 * The messages page: every conversation the signed-in person takes part in, newest message first, each with the other
 * side of its visit, the visit's time, the last message (as text) and the new-message count; a row opens the visit
 * and its conversation. Read again when the window comes back into focus (the list's read is audited, so it is not
 * polled), and page by page with "Show older".
 */
export default function Messages() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const { session } = useAuth();
  const me = session?.user.username;
  const patient = session?.user.roles.includes('patient') ?? false;
  const [items, setItems] = useState<Summary[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const page = must(await api.GET('/conversations', { params: { query: { limit: 20 } } }));
      setItems(page.items ?? []);
      setNext(page.next ?? undefined);
      setError(null);
    } catch (e) { setError(e); }
  }, []);
  useEffect(() => {
    void load();
    const again = () => { if (document.visibilityState === 'visible') void load(); };
    document.addEventListener('visibilitychange', again);
    return () => document.removeEventListener('visibilitychange', again);
  }, [load]);

  async function older() {
    try {
      const page = must(await api.GET('/conversations', { params: { query: { limit: 20, cursor: next } } }));
      setItems((old) => [...(old ?? []), ...(page.items ?? [])]);
      setNext(page.next ?? undefined);
    } catch (e) { setError(e); }
  }

  return (
    <section aria-labelledby="messages-title">
      <h1 id="messages-title">{t('chat.title')}</h1>
      <ErrorNote error={error} />
      {items === null && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('chat.list.empty')}</p>}
      <ul className="conversations" aria-label={t('chat.title')}>
        {(items ?? []).map((c) => {
          const other = patient ? c.doctorName : c.patientName;
          const who = c.lastSender === me ? t('chat.you') : c.lastSenderName;
          const what = c.lastText || (c.lastFile ? t('chat.list.file', { name: c.lastFile }) : '');
          return (
            <li key={c.conversationId} className={`card conversation${c.unread ? ' has-unread' : ''}`}>
              <Link to={`/encounters/${c.encounterId}`}>
                <span className="who">{other}</span>
                <time dateTime={c.lastAt}>{formatDateTime(c.lastAt!, lang, calendar, zone)}</time>
                <span className="visit-time">{t('chat.list.visit', { when: formatDateTime(c.scheduledStart!, lang, calendar, zone) })}
                  {' · '}{t(`status.${c.status}`, { defaultValue: c.status })}</span>
                <UnreadBadge count={c.unread} />
                <span className="last" dir="auto"><bdi>{who}</bdi>: {what}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      {next && <Button variant="secondary" onPress={older}>{t('chat.list.older')}</Button>}
    </section>
  );
}
