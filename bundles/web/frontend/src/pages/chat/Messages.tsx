import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, must } from '../../api/client';
import type { components } from '../../api/schema';
import { useAuth } from '../../auth';
import { browserTimeZone, formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field } from '../../ui';
import { UnreadBadge } from './Unread';

type Summary = components['schemas']['Summary'];
type Colleague = components['schemas']['Colleague'];

/**
 * For clinicians: find a colleague by name and open (or reopen: one per pair) the direct conversation with them.
 */
function WriteToColleague() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Colleague[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (q.trim().length < 2) { setFound(null); return undefined; }
    // a look after typing settles, not one per key
    const timer = setTimeout(() => {
      api.GET('/conversations/colleagues', { params: { query: { q: q.trim() } } })
        .then((r) => { setFound(must(r).items ?? []); setError(null); }, setError);
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  async function open(username: string) {
    try {
      const c = must(await api.POST('/conversations/direct', { body: { username } }));
      navigate(`/messages/direct/${c.id}`);
    } catch (e) { setError(e); }
  }

  return (
    <section className="card colleagues" aria-labelledby="colleague-title">
      <h2 id="colleague-title">{t('chat.direct.write')}</h2>
      <Field label={t('chat.direct.find')} name="colleague" value={q} onChange={setQ} autoComplete="off"
        description={t('chat.direct.findHint')} />
      <ErrorNote error={error} />
      {found && found.length === 0 && <p>{t('chat.direct.none')}</p>}
      {found && found.length > 0 && (
        <ul className="colleague-list" aria-label={t('chat.direct.title')}>
          {found.map((c) => (
            <li key={c.username}>
              <Button variant="secondary" onPress={() => open(c.username!)}>
                <bdi>{c.displayName}</bdi> <span className="username">({c.username})</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The messages page: every conversation the signed-in person takes part in, newest message first, each with the other
 * side of its visit (or the colleague of a direct conversation; clinicians find one to write to at the top), the visit's time, the last message (as text) and the new-message count; a row opens the visit
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
  const clinician = session?.user.roles.some((r) => r === 'doctor' || r === 'nurse') ?? false;
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
      {clinician && <WriteToColleague />}
      <ErrorNote error={error} />
      {items === null && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('chat.list.empty')}</p>}
      <ul className="conversations" aria-label={t('chat.title')}>
        {(items ?? []).map((c) => {
          const direct = !c.encounterId;
          const other = direct ? c.colleagueName : patient ? c.doctorName : c.patientName;
          const who = c.lastSender === me ? t('chat.you') : c.lastSenderName;
          const what = c.lastRetracted ? t('chat.change.retracted')
            : c.lastText || (c.lastFile ? t('chat.list.file', { name: c.lastFile }) : '');
          return (
            <li key={c.conversationId} className={`card conversation${c.unread ? ' has-unread' : ''}`}>
              <Link to={direct ? `/messages/direct/${c.conversationId}` : `/encounters/${c.encounterId}`}>
                <span className="who"><bdi>{other}</bdi></span>
                <time dateTime={c.lastAt}>{formatDateTime(c.lastAt!, lang, calendar, zone)}</time>
                {direct ? <span className="visit-time">{t('chat.direct.label')}</span>
                  : <span className="visit-time">{t('chat.list.visit', { when: formatDateTime(c.scheduledStart!, lang, calendar, zone) })}
                    {' · '}{t(`status.${c.status}`, { defaultValue: c.status })}</span>}
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
