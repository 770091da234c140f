import { type CSSProperties, type ReactNode, useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { browserTimeZone, formatDateTime, formatNumber, formatTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote } from '../../ui';
import { CAMERA, type Prepared, type Remote, RoomClient, showVideoSource, type Snapshot, videoSources } from './client';
import DeviceCheck from './DeviceCheck';
import {
  type CameraSignal, columns, isClinician, type Quality, type RosterCamera, type RosterPeer, type VideoSource, type WaitingMember,
} from './logic';
import './room.css';

const IDLE: Snapshot = {
  phase: 'idle', reason: null, detail: null, error: null, problem: null, ack: null, roster: null, remotes: {},
  self: null, audio: false, video: false, screen: false, mutedBy: null, consent: false,
};
const nothing = () => () => {};
const idle = () => IDLE;

/**
 * A visit's video (or audio) room: the device check, the hub's waiting room, then a mesh of peer connections with
 * everyone admitted (docs/websocket-protocol.md, "Video rooms"). The doctor (moderator) admits, mutes, removes and
 * ends it for everyone. `onStatus`: the visit's status as the room reports it (the first admission starts it).
 */
export default function Room({ encounterId, audioOnly = false, closed = false, onStatus }:
  { encounterId: string; audioOnly?: boolean; closed?: boolean; onStatus?: (status: string) => void }) {
  const { t, i18n } = useTranslation();
  const [client, setClient] = useState<RoomClient | null>(null);
  const reported = useRef(onStatus);
  useEffect(() => { reported.current = onStatus; }, [onStatus]);
  useEffect(() => {
    const c = new RoomClient(encounterId, { audioOnly, onStatus: (s) => reported.current?.(s) });
    setClient(c);
    return () => c.destroy();
  }, [encounterId, audioOnly]);
  const s = useSyncExternalStore(client?.subscribe ?? nothing, client?.get ?? idle);
  const prepared = useRef<Prepared>({ stream: null, cameraId: '', microphoneId: '' });
  const prepare = useCallback((p: Prepared) => { prepared.current = p; }, []);
  const titleId = useId();
  const audioVisit = audioOnly || !!s.ack?.audioOnly;

  const out = s.phase === 'idle' || s.phase === 'left';
  const over = closed || s.reason === 'ended'; // the visit ended: no way in
  return (
    <section className="card room" aria-labelledby={titleId} data-phase={s.phase}>
      <h2 id={titleId}>{audioVisit ? t('room.titleAudio') : t('room.title')}</h2>
      <p className="room-status" role="status" data-state={s.phase}>{statusLine(s, t, i18n.language)}</p>
      {s.phase === 'left' && s.reason && (
        <p className={s.reason === 'left' ? 'notice' : 'notice ended'} data-testid="room-left" data-reason={s.reason}>
          {s.reason === 'rejected' && s.detail ? t('room.left.rejectedWhy', { reason: s.detail }) : t(`room.left.${s.reason}`)}
        </p>
      )}
      <Refusal error={s.error} />
      {s.problem && <p className="error" role="alert">{t(`room.problem.${s.problem.kind}`, { reason: s.problem.reason })}</p>}
      {out && over && s.reason !== 'ended' && <p className="muted">{t('room.closed')}</p>}
      {out && !over && <>
        <p>{t('room.intro')}</p>
        <div className="actions">
          <Button onPress={() => void client?.join(prepared.current)}>{s.phase === 'left' ? t('room.again') : t('room.join')}</Button>
        </div>
        <DeviceCheck camera={!audioOnly} heading={3} onChange={prepare} />
      </>}
      {s.phase === 'waiting' && client && <Waiting s={s} client={client} />}
      {s.phase === 'in-room' && client && <InRoom s={s} client={client} encounterId={encounterId} />}
    </section>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

function statusLine(s: Snapshot, t: T, lang: string): string {
  switch (s.phase) {
    case 'joining': return t('room.status.joining');
    case 'waiting': return t('room.status.waiting');
    case 'left': return t('room.status.left');
    case 'idle': return t('room.status.idle');
    default: {
      const others = (s.roster?.peers ?? []).filter((p) => p.peerId !== s.ack?.peerId);
      if (others.length === 0) return t('room.status.alone');
      const names = new Intl.ListFormat(lang, { type: 'conjunction' }).format(others.map((p) => p.name));
      const pending = others.some((p) => s.remotes[p.peerId]?.connection !== 'connected');
      return pending ? t('room.status.connecting', { names }) : t('room.status.inRoom', { names });
    }
  }
}

/** The hub's refusal; "too early" with the time the room opens, in the reader's calendar. */
function Refusal({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  if (error instanceof ApiError && error.problem?.title === 'Too early' && typeof error.problem.joinableFrom === 'string') {
    const time = formatDateTime(error.problem.joinableFrom, i18n.language as Lang, calendar, browserTimeZone());
    return <p className="error" role="alert">{t('room.tooEarly', { time })}</p>;
  }
  return <ErrorNote error={error} />;
}

function Waiting({ s, client }: { s: Snapshot; client: RoomClient }) {
  const { t } = useTranslation();
  return (
    <div className="waiting-room">
      <h3>{t('room.waiting.title')}</h3>
      <p>{t('room.waiting.why')}</p>
      <Recording s={s} client={client} moderator={false} />
      <div className="video-grid" data-count={1} style={{ '--cols': 1, '--cols-narrow': 1 } as CSSProperties}>
        <SelfTile s={s} />
      </div>
      <div className="actions controls">
        <Button variant="danger" onPress={() => client.leave()}>{t('room.controls.leave')}</Button>
      </div>
    </div>
  );
}

function InRoom({ s, client, encounterId }: { s: Snapshot; client: RoomClient; encounterId: string }) {
  const { t } = useTranslation();
  const me = s.ack?.peerId ?? '';
  const peers = (s.roster?.peers ?? []).filter((p) => p.peerId !== me);
  // the endoscopes' live pictures are for the visit's clinicians only (nobody else's page connects to them)
  const clinician = isClinician(s.ack?.role);
  const cameras = clinician ? s.roster?.cameras ?? [] : [];
  // a connection that came before its roster (an offer from someone who just entered) shows too; a camera is no person
  const listed = new Set([...peers, ...(s.roster?.cameras ?? [])].map((p) => p.peerId));
  const unlisted = Object.values(s.remotes).filter((r) => !listed.has(r.peerId));
  const n = peers.length + unlisted.length + 1;
  // a camera spans the row above the people: beside one, at least two columns of them, so that it stays the larger
  const seats = cameras.length ? Math.max(n, 2) : n;
  // who leads: the visit's doctor, or the colleague the lead was handed to (the roster says)
  const moderator = !!s.ack && s.roster?.moderator === s.ack.member;
  return (
    <div className="in-room">
      {moderator && <WaitingList s={s} client={client} />}
      <Recording s={s} client={client} moderator={moderator} />
      {clinician && <Endoscope encounterId={encounterId} cameras={cameras} leader={moderator} />}
      <div className="video-grid" data-count={n} data-cameras={cameras.length || undefined}
        style={{ '--cols': columns(seats, false), '--cols-narrow': columns(seats, true) } as CSSProperties}>
        {cameras.map((c) => <CameraTile key={c.peerId} camera={c} remote={s.remotes[c.peerId]} />)}
        {peers.map((p) => <RemoteTile key={p.peerId} peer={p} remote={s.remotes[p.peerId]} />)}
        {unlisted.map((r) => (
          <RemoteTile key={r.peerId} remote={r}
            peer={{ peerId: r.peerId, member: r.member, name: r.member, role: '', audio: true, video: true, screen: false, consent: false }} />
        ))}
        <SelfTile s={s} />
      </div>
      {s.mutedBy && <p className="notice" role="status" data-testid="muted-by">{t('room.muted')}</p>}
      <Controls s={s} client={client} moderator={moderator} />
      <People s={s} client={client} moderator={moderator} />
    </div>
  );
}

/**
 * Recording: everyone sees when the hub records (its peer is in the roster); each person gives or withdraws their
 * consent here; the doctor starts and stops it, and sees who has not consented yet (the hub refuses without them).
 */
function Recording({ s, client, moderator }: { s: Snapshot; client: RoomClient; moderator: boolean }) {
  const { t } = useTranslation();
  if (!s.ack?.recordingEnabled) return null;
  const on = !!s.roster?.recorder;
  const missing = (s.roster?.peers ?? []).filter((p) => !p.consent).map((p) => p.name);
  return (
    <div className="recording-panel" data-recording={on ? 'on' : 'off'}>
      {on && <p className="recording-on" role="status" data-testid="recording">
        <span className="dot" aria-hidden="true" />{t('room.recording.on')}</p>}
      {!on && s.roster?.recordingNote && (
        <p className="notice" role="status" data-testid="recording-note" data-reason={s.roster.recordingNote.split(':')[0]}>
          {whyStopped(s.roster.recordingNote, t)}</p>
      )}
      {s.consent ? (
        <p className="consent" data-testid="consent" data-consent="yes">{t('room.recording.consented')}{' '}
          <Button variant="secondary" onPress={() => void client.consent(false)}>{t('room.recording.withdraw')}</Button></p>
      ) : (
        <p className="consent" data-testid="consent" data-consent="no">{t('room.recording.ask')}{' '}
          <Button onPress={() => void client.consent(true)}>{t('room.recording.agree')}</Button></p>
      )}
      {moderator && (
        <div className="actions">
          {!on && missing.length > 0 && <p className="muted" data-testid="consent-missing">
            {t('room.recording.missing', { names: missing.join(t('room.recording.separator')) })}</p>}
          <Button variant={on ? 'danger' : 'primary'} onPress={() => void client.record(!on)}>
            {on ? t('room.recording.stop') : t('room.recording.start')}</Button>
        </div>
      )}
    </div>
  );
}

/**
 * The endoscopes (issue 22), for the visit's clinicians: the systems whose live picture this visit may show, and which
 * do; the room's leader shows or stops each. Asked again whenever the roster's cameras change; nothing at all when
 * there is none (or the hub refuses).
 */
function Endoscope({ encounterId, cameras, leader }: { encounterId: string; cameras: RosterCamera[]; leader: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [sources, setSources] = useState<VideoSource[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // only the latest question's answer counts (a roster's change asks again while the leader's press is answered)
  const asked = useRef(0);
  const changed = cameras.map((c) => `${c.peerId}:${c.source}:${c.signal}`).join(' ');
  useEffect(() => {
    const n = ++asked.current;
    videoSources(encounterId).then((x) => { if (asked.current === n) setSources(x); }, (e: unknown) => {
      // refused (not a clinician of this visit) or failed: nothing shown; offline: what we had stays
      if (asked.current === n && !(e instanceof ApiError && e.status === 0)) setSources(null);
    });
  }, [encounterId, changed]);
  if (!sources || sources.length === 0) return null;

  const show = async (source: VideoSource, on: boolean) => {
    if (busy) return;
    setBusy(source.adapterId);
    setError(null);
    const n = ++asked.current;
    try {
      const x = await showVideoSource(encounterId, source.adapterId, on);
      if (asked.current === n) setSources(x);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="endoscope-panel" aria-labelledby={`${id}-title`} data-testid="endoscope">
      <h3 id={`${id}-title`}>{t('room.endoscope.title')}</h3>
      <p className="muted">{t('room.endoscope.who')}</p>
      <ul className="people-list" data-testid="endoscope-sources">
        {sources.map((source) => {
          // the roster says first (it comes as it changes); the hub's answer until the roster lists it
          const camera = cameras.find((c) => c.source === source.adapterId);
          const shown = !!camera || !!source.peerId;
          const signal = shown ? camera?.signal ?? source.signal ?? 'connecting' : undefined;
          return (
            <li key={source.adapterId} data-source={source.adapterId} data-shown={shown ? 'yes' : 'no'} data-signal={signal}>
              <span className="who" dir="auto">{source.name}</span>
              <span className="muted">{t(`room.endoscope.state.${signal ?? 'off'}`)}</span>
              {leader && (
                <span className="row-actions">
                  <Button variant={shown ? 'secondary' : 'primary'} isPending={busy === source.adapterId}
                    onPress={() => void show(source, !shown)}>
                    {shown ? t('room.endoscope.stop', { name: source.name }) : t('room.endoscope.show', { name: source.name })}
                  </Button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorNote error={error} />
    </section>
  );
}

/** The hub's code for why recording stopped by itself (`withdrawn:<name>`, `engine`, …), in words. */
function whyStopped(note: string, t: T): string {
  const at = note.indexOf(':');
  const code = at < 0 ? note : note.slice(0, at);
  const name = at < 0 ? '' : note.slice(at + 1);
  const known = ['withdrawn', 'unconsented', 'ended', 'engine', 'hub', 'storage', 'service'];
  return t(`room.recording.why.${known.includes(code) ? code : 'other'}`, { name });
}

function Controls({ s, client, moderator }: { s: Snapshot; client: RoomClient; moderator: boolean }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  return (
    <div className="controls" role="group" aria-label={t('room.controls.label')}>
      <Button variant={s.audio ? 'secondary' : 'danger'} onPress={() => void client.toggleMic()}>
        {s.audio ? t('room.controls.micOff') : t('room.controls.micOn')}
      </Button>
      <Button variant={s.video ? 'secondary' : 'danger'} onPress={() => void client.toggleCamera()}>
        {s.video ? t('room.controls.camOff') : t('room.controls.camOn')}
      </Button>
      {canShare && (
        <Button variant="secondary" onPress={() => void client.toggleShare()}>
          {s.screen ? t('room.controls.stopShare') : t('room.controls.share')}
        </Button>
      )}
      <Button variant="danger" onPress={() => client.leave()}>{t('room.controls.leave')}</Button>
      {moderator && !confirming && (
        <Button variant="danger" onPress={() => setConfirming(true)}>{t('room.controls.end')}</Button>
      )}
      {moderator && confirming && (
        <div className="confirm" role="group" aria-label={t('room.controls.endConfirm')}>
          <span>{t('room.controls.endConfirm')}</span>
          <Button variant="danger" onPress={() => { setConfirming(false); void client.end(); }}>{t('room.controls.endYes')}</Button>
          <Button variant="secondary" onPress={() => setConfirming(false)}>{t('room.controls.endNo')}</Button>
        </div>
      )}
    </div>
  );
}

function SelfTile({ s }: { s: Snapshot }) {
  const { t } = useTranslation();
  const me = s.roster?.peers.find((p) => p.peerId === s.ack?.peerId);
  const name = me?.name || t('room.tile.self');
  return (
    <Tile stream={s.self} self peerId={s.ack?.peerId ?? ''} member={s.ack?.member ?? ''}
      label={me ? t('room.tile.you', { name }) : name} videoLabel={t('room.tile.video', { name })}
      audio={s.audio} video={s.video || s.screen} screen={s.screen} />
  );
}

function RemoteTile({ peer, remote }: { peer: RosterPeer; remote?: Remote }) {
  const { t } = useTranslation();
  const connection = remote?.connection ?? 'new';
  const state = connection === 'connected' ? null
    : connection === 'disconnected' || connection === 'failed' ? t('room.tile.lost') : t('room.tile.connecting');
  return (
    <Tile stream={remote?.stream ?? null} peerId={peer.peerId} member={peer.member} label={peer.name}
      videoLabel={t('room.tile.video', { name: peer.name })} audio={peer.audio} video={peer.video || peer.screen}
      screen={peer.screen} state={state} connection={connection}>
      <QualityLine peerId={peer.peerId} q={remote?.quality ?? null} />
    </Tile>
  );
}

/**
 * An endoscope's live picture (issue 22), across the row: it has no sound by design, so no microphone badge. While the
 * hub's engine has lost the system's signal it keeps sending the last frame, and the tile says so until it is live again.
 */
function CameraTile({ camera, remote }: { camera: RosterCamera; remote?: Remote }) {
  const { t } = useTranslation();
  const connection = remote?.connection ?? 'new';
  const state = connection === 'disconnected' || connection === 'failed' ? t('room.tile.lost')
    : connection !== 'connected' || camera.signal === 'connecting' ? t('room.tile.connecting') : null;
  return (
    <Tile stream={remote?.stream ?? null} camera={camera} peerId={camera.peerId} member={CAMERA} label={camera.name}
      videoLabel={t('room.camera.video', { name: camera.name })} audio={false} video screen={false} state={state} connection={connection}
      over={camera.signal === 'lost' && <p className="camera-lost" role="status" data-testid="camera-lost">{t('room.camera.lost')}</p>}>
      <QualityLine peerId={camera.peerId} q={remote?.quality ?? null} />
    </Tile>
  );
}

function Tile({
  stream, self = false, camera, peerId, member, label, videoLabel, audio, video, screen, state, connection, over, children,
}: {
  stream: MediaStream | null; self?: boolean; camera?: { peerId: string; signal: CameraSignal }; peerId: string; member: string;
  label: string; videoLabel: string; audio: boolean; video: boolean; screen: boolean; state?: string | null; connection?: string;
  /** Shown over the picture. */
  over?: ReactNode; children?: ReactNode;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    // a browser may refuse to play sound before the reader has pressed anything on the page: they press here
    if (stream) v.play().then(() => setBlocked(false), (e: unknown) => { if ((e as Error)?.name === 'NotAllowedError') setBlocked(true); });
  }, [stream]);
  return (
    <figure className={self ? 'tile self' : camera ? 'tile camera' : 'tile'} data-connection={connection}
      data-screen={screen || undefined} data-camera={camera?.peerId} data-signal={camera?.signal}>
      <div className="picture">
        {/* a camera sends no sound: muted, it plays at once without the reader's press */}
        <video ref={ref} autoPlay playsInline muted={self || !!camera} aria-label={videoLabel} data-peer={peerId} data-member={member}
          data-self={self || undefined} data-video={video ? 'on' : 'off'} />
        {!video && <div className="tile-off" aria-hidden="true"><span>{label.slice(0, 1)}</span></div>}
        <figcaption>
          <span className="tile-name" dir="auto">{label}</span>
          {!audio && !camera && <span className="tile-badge" data-testid="tile-mic-off">{t('room.tile.micOff')}</span>}
          {!video && <span className="tile-badge">{t('room.tile.camOff')}</span>}
          {screen && <span className="tile-badge">{t('room.tile.screen')}</span>}
          {state && <span className="tile-badge pending">{state}</span>}
        </figcaption>
        {over}
      </div>
      {children}
      {blocked && (
        <Button variant="secondary" className="sound" onPress={() => { void ref.current?.play().then(() => setBlocked(false), () => {}); }}>
          {t('room.tile.sound')}
        </Button>
      )}
    </figure>
  );
}

function QualityLine({ peerId, q }: { peerId: string; q: Quality | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const n = (v: number | null) => (v === null ? t('room.quality.unknown') : formatNumber(v, lang));
  return (
    <p className="quality" data-testid={`quality-${peerId}`} data-path={q?.path ?? undefined} data-level={q?.level ?? undefined}>
      {!q || !q.level ? t('room.quality.measuring') : t('room.quality.line', {
        level: t(`room.quality.${q.level}`), rtt: n(q.rttMs), loss: n(q.lossPct), rate: n(q.kbps),
        path: q.path ? t(`room.quality.${q.path}`) : t('room.quality.unknown'),
      })}
    </p>
  );
}

function People({ s, client, moderator }: { s: Snapshot; client: RoomClient; moderator: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const me = s.ack?.peerId;
  const peers = s.roster?.peers ?? [];
  const waiting = s.roster?.waiting ?? [];
  return (
    <section className="people" aria-labelledby={`${id}-people`}>
      <h3 id={`${id}-people`}>{t('room.people.title')}</h3>
      {moderator && waiting.length === 0 && <p className="muted">{t('room.people.noneWaiting')}</p>}
      {!moderator && s.ack?.role === 'moderator' && (
        <p><Button variant="secondary" onPress={() => void client.handOver(s.ack!.member)}>{t('room.people.takeBack')}</Button></p>
      )}
      <h4 id={`${id}-in`}>{t('room.people.inRoom')}</h4>
      <ul className="people-list" aria-labelledby={`${id}-in`} data-testid="in-room-list">
        {peers.map((p) => (
          <li key={p.peerId} data-member={p.member}>
            <span className="who" dir="auto">{p.name}</span>
            <span className="muted">
              {[p.peerId === me ? t('room.people.you') : null, t(`room.role.${p.role}`, { defaultValue: p.role }),
                p.audio ? t('room.people.micOn') : t('room.people.micOff'),
                p.video ? t('room.people.camOn') : t('room.people.camOff'),
                p.screen ? t('room.people.screen') : null,
                p.member === s.roster?.moderator ? t('room.people.leads') : null,
                s.ack?.recordingEnabled ? (p.consent ? t('room.people.consented') : t('room.people.notConsented')) : null,
              ].filter(Boolean).join(' · ')}
            </span>
            {moderator && p.peerId !== me && (
              <span className="row-actions">
                {(p.role === 'colleague' || p.role === 'moderator') && (
                  <Button variant="secondary" aria-label={t('room.people.handOverName', { name: p.name })}
                    onPress={() => void client.handOver(p.member)}>{t('room.people.handOver')}</Button>
                )}
                <Button variant="secondary" aria-label={t('room.people.muteName', { name: p.name })} isDisabled={!p.audio}
                  onPress={() => void client.mute(p.member)}>{t('room.people.mute')}</Button>
                {p.role !== 'moderator' && ( // the visit's doctor is never sent out, even by a colleague who leads
                  <Button variant="danger" aria-label={t('room.people.removeName', { name: p.name })}
                    onPress={() => void client.remove(p.member)}>{t('room.people.remove')}</Button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The moderator's waiting room, above the pictures: whoever waits is seen at once (and announced). */
function WaitingList({ s, client }: { s: Snapshot; client: RoomClient }) {
  const { t } = useTranslation();
  const id = useId();
  const waiting = s.roster?.waiting ?? [];
  return (
    <div className="waiting-list" aria-live="polite">
      {waiting.length > 0 && (
        <section aria-labelledby={`${id}-waiting`}>
          <h3 id={`${id}-waiting`}>{t('room.people.waiting')}</h3>
          <ul className="people-list" data-testid="waiting-list">
            {waiting.map((w) => <WaitingRow key={w.member} w={w} client={client} />)}
          </ul>
        </section>
      )}
    </div>
  );
}

function WaitingRow({ w, client }: { w: WaitingMember; client: RoomClient }) {
  const { t, i18n } = useTranslation();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  return (
    <li data-member={w.member}>
      <span className="who" dir="auto">{w.name}</span>
      <span className="muted">
        {[t(`room.role.${w.role}`, { defaultValue: w.role }),
          w.since ? t('room.people.since', { time: formatTime(w.since, i18n.language as Lang, browserTimeZone()) }) : null,
          w.note ? t(`room.people.${w.note}`) : null].filter(Boolean).join(' · ')}
      </span>
      {rejecting ? (
        <form className="reject" onSubmit={(e) => { e.preventDefault(); void client.reject(w.member, reason.trim()); setRejecting(false); }}>
          <label htmlFor={`${id}-reason`}>{t('room.people.reason', { name: w.name })}</label>
          <input id={`${id}-reason`} name="reason" value={reason} maxLength={200} dir="auto" onChange={(e) => setReason(e.target.value)} />
          <Button type="submit" variant="danger">{t('room.people.rejectYes')}</Button>
          <Button variant="secondary" onPress={() => setRejecting(false)}>{t('room.people.keep')}</Button>
        </form>
      ) : (
        <span className="row-actions">
          <Button aria-label={t('room.people.admitName', { name: w.name })} onPress={() => void client.admit(w.member)}>
            {t('room.people.admit')}
          </Button>
          <Button variant="danger" aria-label={t('room.people.rejectName', { name: w.name })} onPress={() => setRejecting(true)}>
            {t('room.people.reject')}
          </Button>
        </span>
      )}
    </li>
  );
}
