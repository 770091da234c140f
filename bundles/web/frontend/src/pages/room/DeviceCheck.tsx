import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, ErrorNote } from '../../ui';
import type { Prepared } from './client';
import './room.css';

/**
 * The device check before a visit: the camera's picture, the microphone's level, a test tone, and which camera and
 * microphone to use (the browser names them once it may use them). The room takes a copy of its stream on joining.
 */
export default function DeviceCheck({ camera = true, heading = 2, onChange }:
  { camera?: boolean; heading?: 2 | 3; onChange?: (p: Prepared) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [cameraOk, setCameraOk] = useState(false);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [microphoneId, setMicrophoneId] = useState('');
  const H = heading === 2 ? 'h2' : 'h3';
  const Sub = heading === 2 ? 'h3' : 'h4';

  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const list = () => { md.enumerateDevices().then(setDevices, () => {}); };
    list();
    md.addEventListener?.('devicechange', list);
    return () => md.removeEventListener?.('devicechange', list);
  }, []);

  useEffect(() => { onChange?.({ stream, cameraId, microphoneId }); }, [stream, cameraId, microphoneId, onChange]);

  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
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

  const mounted = useRef(true);
  useEffect(() => { mounted.current = true; return () => { mounted.current = false; }; }, []);

  async function start(cam = cameraId, mic = microphoneId) {
    setError(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        audio: mic ? { deviceId: { exact: mic } } : true,
        video: camera ? (cam ? { deviceId: { exact: cam } } : true) : false,
      });
      if (!mounted.current) { s.getTracks().forEach((tr) => tr.stop()); return; } // gone while the browser asked
      setStream(s);
      setCameraOk(false);
      if (video.current) {
        video.current.srcObject = s;
        video.current.onloadeddata = () => setCameraOk(s.getVideoTracks().length > 0);
      }
      // now the browser names the devices
      setDevices(await navigator.mediaDevices.enumerateDevices());
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
  function choose(kind: 'camera' | 'microphone', deviceId: string) {
    const cam = kind === 'camera' ? deviceId : cameraId;
    const mic = kind === 'microphone' ? deviceId : microphoneId;
    setCameraId(cam);
    setMicrophoneId(mic);
    if (stream) {
      stream.getTracks().forEach((tr) => tr.stop());
      void start(cam, mic);
    }
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

  const cameras = devices.filter((d) => d.kind === 'videoinput' && d.deviceId);
  const microphones = devices.filter((d) => d.kind === 'audioinput' && d.deviceId);
  const picker = (kind: 'camera' | 'microphone', options: MediaDeviceInfo[], value: string) => options.length > 0 && (
    <label className="device-choice">
      {t(`room.devices.${kind}`)}
      <select name={kind} value={value} onChange={(e) => choose(kind, e.target.value)}>
        <option value="">{t('room.devices.default')}</option>
        {options.filter((d) => d.deviceId !== 'default').map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>{d.label || t('room.devices.unnamed', { n: i + 1 })}</option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="card device-check" role="group" aria-labelledby={`${id}-title`}>
      <H id={`${id}-title`}>{t('join.devices')}</H>
      <div className="actions">
        {stream ? <Button variant="secondary" onPress={stop}>{t('join.stopCheck')}</Button>
          : <Button onPress={() => void start()}>{t('join.startCheck')}</Button>}
        <Button variant="secondary" onPress={tone}>{t('join.tone')}</Button>
      </div>
      {camera ? <>
        <Sub>{t('join.camera')}</Sub>
        {picker('camera', cameras, cameraId)}
        <video ref={video} autoPlay playsInline muted className="preview" aria-label={t('join.camera')} data-testid="camera-preview" />
        {cameraOk && <p role="status" data-testid="camera-ok">{t('join.cameraOk')}</p>}
      </> : <p className="muted">{t('room.devices.audioOnly')}</p>}
      <Sub>{t('join.microphone')}</Sub>
      {picker('microphone', microphones, microphoneId)}
      <meter min={0} max={100} value={level} aria-label={t('join.level')} />
      <ErrorNote error={error} />
    </div>
  );
}
