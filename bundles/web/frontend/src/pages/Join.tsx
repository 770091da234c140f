import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { api, must, type Schemas, setBearerToken } from '../api/client';
import { browserTimeZone, formatDateTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { setSocketBearer } from '../realtime';
import { Button, ErrorNote, Field, fieldError } from '../ui';

const Conversation = lazy(() => import('./chat/Conversation'));
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
 * own visit only), then a device check. The room itself comes with the video issue.
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
          <p className="notice">{t('join.roomLater')}</p>
        </div>
      )}
      {visitToken && redeemed?.encounterId && redeemed.participantId && (
        <Suspense fallback={<p>{t('loading')}</p>}>
          <Conversation encounterId={redeemed.encounterId} me={`visit:${redeemed.participantId}`} />
        </Suspense>
      )}
      <DeviceCheck />
    </section>
  );
}

function DeviceCheck() {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [cameraOk, setCameraOk] = useState(false);

  useEffect(() => {
    if (!stream) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 256;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const data = new Uint8Array(analyser.frequencyBinCount);
    let raf = 0;
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
      setLevel(Math.min(100, Math.round((peak / 128) * 100)));
      raf = requestAnimationFrame(tick);
    };
    tick();
    return () => { cancelAnimationFrame(raf); void ctx.close(); };
  }, [stream]);

  async function start() {
    setError(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      setStream(s);
      if (video.current) {
        video.current.srcObject = s;
        video.current.onloadeddata = () => setCameraOk(s.getVideoTracks().length > 0);
      }
    } catch (e) {
      setError(new Error(t('join.denied', { reason: e instanceof Error ? e.message : String(e) })));
    }
  }
  function stop() {
    stream?.getTracks().forEach((tr) => tr.stop());
    setStream(null);
    setCameraOk(false);
    setLevel(0);
  }
  function tone() {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.1;
    osc.frequency.value = 440;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 1);
    osc.onended = () => void ctx.close();
  }
  useEffect(() => () => stream?.getTracks().forEach((tr) => tr.stop()), [stream]);

  return (
    <div className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('join.devices')}</h2>
      <div className="actions">
        {stream ? <Button variant="secondary" onPress={stop}>{t('join.stopCheck')}</Button>
          : <Button onPress={start}>{t('join.startCheck')}</Button>}
        <Button variant="secondary" onPress={tone}>{t('join.tone')}</Button>
      </div>
      <h3>{t('join.camera')}</h3>
      <video ref={video} autoPlay playsInline muted className="preview" aria-label={t('join.camera')} data-testid="camera-preview" />
      {cameraOk && <p role="status" data-testid="camera-ok">{t('join.cameraOk')}</p>}
      <h3>{t('join.microphone')}</h3>
      <meter min={0} max={100} value={level} aria-label={t('join.level')} />
      <ErrorNote error={error} />
    </div>
  );
}
