import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { api, must, type Schemas } from '../api/client';
import { browserTimeZone, formatDateTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { Button, ErrorNote } from '../ui';

/** The landing page of a join link: which visit, then a device check. The room itself comes with the video issue. */
export default function Join() {
  const { room } = useParams();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [grant, setGrant] = useState<Schemas['Grant'] | Schemas['Redeemed'] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const token = params.get('token');
    const invite = params.get('invite');
    const req = invite ? api.POST('/join/invitations', { body: { invite } }) : api.GET('/join', { params: { query: { token: token ?? '' } } });
    req.then((r) => setGrant(must(r) as Schemas['Grant'])).catch(setError);
  }, [params, room]);

  const expires = grant && 'expiresAt' in grant ? (grant.expiresAt as string | undefined) : undefined;
  return (
    <section aria-labelledby="join-title">
      <h1 id="join-title">{t('join.title')}</h1>
      {!grant && !error && <p>{t('join.checking')}</p>}
      {error ? <><h2>{t('join.invalid')}</h2><ErrorNote error={error} /></> : null}
      {grant && (
        <div className="card">
          <p data-testid="join-who">{'displayName' in grant ? grant.displayName as string : ''}</p>
          {expires && <p>{t('join.visit', { time: formatDateTime(expires, lang, calendar, browserTimeZone()) })}</p>}
          <p className="notice">{t('join.roomLater')}</p>
        </div>
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
