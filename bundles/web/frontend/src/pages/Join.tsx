import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, must, type Schemas, setBearerToken } from '../api/client';
import { browserTimeZone, formatDateTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { setSocketBearer } from '../realtime';
import { Button, ErrorNote, Failsafe, Field, fieldError } from '../ui';
import DeviceCheck from './room/DeviceCheck';

const Conversation = lazy(() => import('./chat/Conversation'));
const Room = lazy(() => import('./room/Room'));
const KEPT = 'telehub.visitIdentity';

/** The visit identity this tab redeemed before, unless it has expired. */
function keptGrant(): Schemas['Redeemed'] | null {
  try {
    const g = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null') as Schemas['Redeemed'] | null;
    if (g?.token && (!g.expiresAt || Date.parse(g.expiresAt) > Date.now())) return g;
  } catch { /* nothing usable kept */ }
  sessionStorage.removeItem(KEPT);
  return null;
}

/**
 * The landing page of a join link, or of the visit's access code (/join): which visit, the visit's conversation for a
 * guest or interpreter who came in with an invitation or the code (their visit token, not a session: it reaches their
 * own visit only): the visit's room (with its device check) beside its conversation. A join link without a visit
 * token gets the device check alone.
 */
export default function Join() {
  const { room } = useParams();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [grant, setGrant] = useState<Schemas['Grant'] | Schemas['Redeemed'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const byCode = !room && !params.get('token') && !params.get('invite');

  useEffect(() => {
    // back in the same tab (a reload): the visit identity it already has, while it lasts (an invitation link works once)
    const kept = keptGrant();
    if (kept && (byCode || params.get('invite'))) { adopt(kept); return; }
    if (byCode) return;
    const token = params.get('token');
    const invite = params.get('invite');
    const req = invite ? api.POST('/join/invitations', { body: { invite } }) : api.GET('/join', { params: { query: { token: token ?? '' } } });
    req.then((r) => adopt(must(r) as Schemas['Grant'])).catch(setError);
  }, [params, room, byCode]);

  // a visit identity: its token carries every request and the socket while this page is open, and no longer; set
  // before the conversation renders (its socket opens in its first effect, which runs before this page's)
  function adopt(g: Schemas['Grant'] | Schemas['Redeemed']) {
    const token = 'token' in g ? (g.token as string | undefined) : undefined;
    if (token) {
      setBearerToken(token);
      setSocketBearer(token);
      sessionStorage.setItem(KEPT, JSON.stringify(g)); // this tab only: no ambient credential, gone with the tab
    }
    setGrant(g);
  }
  useEffect(() => () => { setBearerToken(null); setSocketBearer(null); }, []);
  const visitToken = grant && 'token' in grant ? (grant.token as string | undefined) : undefined;

  async function redeem() {
    setError(null);
    try {
      adopt(must(await api.POST('/join/code', { body: { code: code.trim(), displayName: name.trim() } })));
    } catch (e) { setError(e); }
  }

  const expires = grant && 'expiresAt' in grant ? (grant.expiresAt as string | undefined) : undefined;
  const redeemed = grant as Schemas['Redeemed'] | null;
  // a guest or interpreter with their visit token: the room of that visit (which has the device check)
  const inRoom = !!visitToken && !!redeemed?.encounterId;
  return (
    <section aria-labelledby="join-title">
      <h1 id="join-title">{t('join.title')}</h1>
      {byCode && !grant && (
        <form className="card" onSubmit={(e) => { e.preventDefault(); void redeem(); }}>
          <p>{t('join.code.intro')}</p>
          <Field label={t('join.code.code')} name="code" value={code} onChange={setCode} autoComplete="one-time-code"
            isRequired error={fieldError(error, 'code')} />
          <Field label={t('join.code.name')} name="displayName" value={name} onChange={setName} autoComplete="name"
            isRequired error={fieldError(error, 'displayName')} />
          <Button type="submit" isDisabled={!code.trim() || !name.trim()}>{t('join.code.join')}</Button>
          <ErrorNote error={error} />
        </form>
      )}
      {!byCode && !grant && !error && <p>{t('join.checking')}</p>}
      {!byCode && error ? <><h2>{t('join.invalid')}</h2><ErrorNote error={error} /></> : null}
      {grant && (
        <div className="card">
          <p data-testid="join-who">{'displayName' in grant ? grant.displayName as string : ''}</p>
          {expires && <p>{t('join.visit', { time: formatDateTime(expires, lang, calendar, browserTimeZone()) })}</p>}
          {!inRoom && <p className="notice">{t('join.roomLater')}</p>}
          {!inRoom && 'encounterId' in grant && grant.encounterId && (
            <p><Link to={`/login?returnTo=${encodeURIComponent(`/encounters/${grant.encounterId as string}`)}`}>{t('join.signIn')}</Link></p>
          )}
        </div>
      )}
      {inRoom ? (
        <div className="visit-live">
          <Failsafe message={t('partFailed')}>
            <Suspense fallback={<p>{t('loading')}</p>}><Room encounterId={redeemed!.encounterId!} /></Suspense>
          </Failsafe>
          {redeemed?.participantId && (
            <Suspense fallback={<p>{t('loading')}</p>}>
              <Conversation encounterId={redeemed.encounterId!} me={`visit:${redeemed.participantId}`} />
            </Suspense>
          )}
        </div>
      ) : <DeviceCheck />}
    </section>
  );
}
