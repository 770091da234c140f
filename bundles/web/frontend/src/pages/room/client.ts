// A page's presence in a visit's video room: the `video.join` subscription (sent again by realtime.ts after every
// reconnect, which makes a new peer that offers to everyone again), the waiting room, the heartbeat, the local
// microphone, camera and screen, the mesh of connections and their quality. React reads it as snapshots.
import { api, must } from '../../api/client';
import { ApiError } from '../../api/problem';
import { call, follow } from '../../realtime';
import {
  camerasToCall, type Counters, goneFrom, heartbeatMillis, type JoinAck, type LeftReason, leftBy, measure, parseJoinAck, parseRoster,
  parseVideoSources, peersToCall, type Quality, type Roster, ROOM_EVENTS, type Stat, summarise, type VideoSource,
} from './logic';
import { Mesh, type Outgoing, type Signal } from './mesh';

type Json = Record<string, unknown>;

export type Phase = 'idle' | 'joining' | 'waiting' | 'in-room' | 'left';

export interface Remote {
  peerId: string;
  member: string;
  stream: MediaStream | null;
  connection: RTCPeerConnectionState;
  quality: Quality | null;
}

/** A local device that could not be used (shown in the page's words, with the browser's reason). */
export interface DeviceProblem {
  kind: 'camera' | 'microphone' | 'none' | 'share';
  reason: string;
}

export interface Snapshot {
  phase: Phase;
  /** Why the page is out of the room (phase `left`), and the moderator's words for a rejection. */
  reason: LeftReason | null;
  detail: string | null;
  /** The hub's refusal of the last step (an ApiError). */
  error: unknown;
  problem: DeviceProblem | null;
  ack: JoinAck | null;
  roster: Roster | null;
  remotes: Record<string, Remote>;
  /** What we show of ourselves: the camera or the shared screen (no sound). */
  self: MediaStream | null;
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** The moderator turned our microphone off (their member). */
  mutedBy: string | null;
  /** We consented to the visit's recording. */
  consent: boolean;
}

/** What the device check prepared: its stream (used as a copy) and the chosen devices. */
export interface Prepared {
  stream: MediaStream | null;
  cameraId: string;
  microphoneId: string;
}

const EMPTY: Snapshot = {
  phase: 'idle', reason: null, detail: null, error: null, problem: null, ack: null, roster: null, remotes: {},
  self: null, audio: false, video: false, screen: false, mutedBy: null, consent: false,
};

/** The roster's member name of the hub's recording peer. */
export const RECORDER = 'recorder';

/** The member name our connections give an endoscope's live picture (a hub peer that only sends video). */
export const CAMERA = 'camera';

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const live = (t: MediaStreamTrack | undefined | null) => (t && t.readyState === 'live' ? t : null);

export class RoomClient {
  private snap: Snapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private unfollow: (() => void) | null = null;
  private mesh: Mesh | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private counters = new Map<string, Counters>();
  private mic: MediaStreamTrack | null = null;
  private cam: MediaStreamTrack | null = null;
  private shared: MediaStreamTrack | null = null;
  private readonly out = new MediaStream();
  private devices = { cameraId: '', microphoneId: '' };
  /** A `video.join` of ours is under way (after `video.admitted`, or to come back after the hub lost us). */
  private rejoining = false;
  private entered = false;
  private lastStatus: string | null = null;
  private destroyed = false;

  constructor(
    private readonly encounterId: string,
    private readonly opts: { audioOnly: boolean; onStatus?: (status: string) => void },
  ) {}

  // --- for React (useSyncExternalStore) ---

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  get = (): Snapshot => this.snap;

  private set(change: Partial<Snapshot>): void {
    if (this.destroyed) return;
    this.snap = { ...this.snap, ...change };
    this.listeners.forEach((l) => l());
  }

  // --- joining and leaving ---

  /** "Join the visit": our devices (a copy of the check's stream, or opened now), then `video.join`. */
  async join(prepared: Prepared): Promise<void> {
    if (this.snap.phase !== 'idle' && this.snap.phase !== 'left') return;
    // copied at once: the check stops its own stream when it goes away
    const audio = live(prepared.stream?.getAudioTracks()[0])?.clone() ?? null;
    const video = this.opts.audioOnly ? null : live(prepared.stream?.getVideoTracks()[0])?.clone() ?? null;
    this.devices = { cameraId: prepared.cameraId, microphoneId: prepared.microphoneId };
    this.entered = false;
    this.set({ ...EMPTY, phase: 'joining' });
    this.mic = audio;
    this.cam = video;
    if (!this.mic && !this.cam) await this.open(!this.opts.audioOnly);
    if (this.destroyed || this.get().phase !== 'joining') { this.stopLocal(); return; } // left meanwhile
    this.showSelf();
    this.watchNetwork(true);
    this.unfollow = follow({
      types: ROOM_EVENTS,
      frame: () => ({ type: 'video.join', data: { encounterId: this.encounterId } }),
      onEvent: (type, data) => this.event(type, data),
      onAck: (data) => this.answered(data),
      onError: (e) => this.refused(e),
    });
  }

  /** Opens the microphone and, if wanted, the camera; what cannot be opened is said, and the visit goes on without. */
  private async open(camera: boolean): Promise<void> {
    const audio: MediaTrackConstraints | boolean = this.devices.microphoneId ? { deviceId: { exact: this.devices.microphoneId } } : true;
    const video: MediaTrackConstraints | boolean = this.devices.cameraId ? { deviceId: { exact: this.devices.cameraId } } : true;
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio, video: camera ? video : false });
      this.mic = s.getAudioTracks()[0] ?? null;
      this.cam = s.getVideoTracks()[0] ?? null;
      return;
    } catch (e) {
      if (!camera) { this.set({ problem: { kind: 'none', reason: reasonOf(e) } }); return; }
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio });
        this.mic = s.getAudioTracks()[0] ?? null;
        this.set({ problem: { kind: 'camera', reason: reasonOf(e) } });
      } catch (e2) {
        this.set({ problem: { kind: 'none', reason: reasonOf(e2) } });
      }
    }
  }

  /** The `video.join` answer: the first, one after `video.admitted`, or one after a reconnect (a new peer). */
  private answered(d: Json): void {
    if (this.destroyed || this.snap.phase === 'left' || this.snap.phase === 'idle') return;
    const ack = parseJoinAck(d);
    const before = this.snap.ack;
    if (this.mesh && (before?.peerId !== ack.peerId || ack.state !== 'admitted')) {
      // a new peer of ours: every connection starts again from our offer
      this.mesh.closeAll();
      this.mesh = null;
    }
    this.heartbeat(ack.heartbeatSeconds);
    this.set({ consent: ack.consent });
    if (ack.state === 'waiting') {
      this.set({ phase: 'waiting', ack, roster: null, remotes: {}, error: null });
      return;
    }
    if (!this.entered) {
      this.entered = true;
      // an audio visit begins without the camera (one joined through a link did not know it was one)
      if (ack.audioOnly && this.cam && !this.shared) { this.cam.stop(); this.cam = null; this.showSelf(); }
    }
    if (!this.mesh) {
      this.mesh = new Mesh(ack.peerId, { iceServers: ack.iceServers, iceTransportPolicy: ack.iceTransportPolicy },
        () => this.outgoing(), {
          signal: (to, s) => this.send(to, s),
          remote: (peerId, member, stream) => this.remote(peerId, { member, stream }),
          state: (peerId, member, connection) => {
            if (member === RECORDER) return; // the recording peer has no picture: the page shows that it records
            if (connection === 'closed') this.forget(peerId);
            else this.remote(peerId, { member, connection });
          },
          problem: (peerId, e) => console.warn(`video: connection to ${peerId}:`, e),
        });
      this.set({ remotes: {} });
    }
    this.set({ phase: 'in-room', ack, error: null });
    if (ack.room) this.roster(ack.room);
    for (const p of peersToCall(ack.room, ack.peerId)) this.mesh.call(p.peerId, p.member);
    this.sendMedia();
    this.startPolling();
  }

  /** A refused `video.join`: the first one puts the page back before the room; later ones are shown. */
  private refused(e: ApiError): void {
    if (this.destroyed) return;
    if (e.problem?.title === 'Visit ended') { this.finish('ended'); return; }
    if (this.snap.phase === 'joining') {
      this.teardown();
      this.set({ ...EMPTY, phase: 'idle', error: e });
    } else {
      this.set({ error: e });
    }
  }

  private event(type: string, data: Json): void {
    if (this.destroyed) return;
    const out = leftBy(type);
    if (type === 'video.room') {
      const r = parseRoster(data);
      if (r && (!r.encounterId || r.encounterId === this.encounterId)) this.roster(r);
    } else if (type === 'video.signal') {
      this.mesh?.signal(String(data.from ?? ''), String(data.member ?? ''), data as Signal);
    } else if (type === 'video.admitted') {
      if (this.snap.phase === 'waiting') this.rejoin();
    } else if (type === 'video.muted') {
      this.mutedBy(String(data.by ?? ''));
    } else if (out === 'replaced') {
      // our own new join (after admission) replaces the waiting peer of this same page: not another device
      if (this.rejoining) return;
      if (typeof data.peerId === 'string' && this.snap.ack && data.peerId !== this.snap.ack.peerId) return;
      this.finish('replaced');
    } else if (out) {
      this.finish(out, typeof data.reason === 'string' && data.reason ? data.reason : null);
      if (out === 'ended') this.status(typeof data.status === 'string' ? data.status : 'completed');
    }
  }

  /** `video.join` again once admitted: the same peer enters. */
  private rejoin(): void {
    if (this.rejoining) return;
    this.rejoining = true;
    call('video.join', { encounterId: this.encounterId })
      .then((d) => this.answered(d), (e) => { if (e instanceof ApiError && e.status !== 0) this.refused(e); })
      .finally(() => { this.rejoining = false; });
  }

  private roster(r: Roster): void {
    if (this.mesh) for (const gone of goneFrom(this.mesh.ids(), r)) this.mesh.drop(gone);
    // the recorder never offers: every page offers it its audio, whenever it appears
    if (this.mesh && r.recorder && !this.mesh.ids().includes(r.recorder.peerId)) this.mesh.call(r.recorder.peerId, RECORDER);
    // nor does an endoscope's picture: a clinician's page offers (the hub answers with its video only, and refuses others)
    if (this.mesh) for (const c of camerasToCall(r, this.mesh.ids(), this.snap.ack?.role)) this.mesh.call(c.peerId, CAMERA);
    this.set({ roster: r });
    if (r.status) this.status(r.status);
  }

  private status(s: string): void {
    if (s === this.lastStatus) return;
    this.lastStatus = s;
    this.opts.onStatus?.(s);
  }

  private heartbeat(seconds: number): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = setInterval(() => {
      call('video.ping', { encounterId: this.encounterId }).then((d) => {
        // a waiting page whose admission did not reach it (the hub's events are not stored) learns it here
        if (d.state === 'admitted' && this.snap.phase === 'waiting') this.rejoin();
      }, (e) => {
        if (!(e instanceof ApiError) || e.status === 0) return; // offline: the reconnect joins again
        if (e.problem?.title === 'Visit ended') this.finish('ended');
        // the hub no longer has this page's peer although its connection lived (an event that did not reach us):
        // not joined again by itself, which could take the room back from the member's newer tab
        else if (e.status === 409) this.finish('lost');
      });
    }, heartbeatMillis(seconds));
  }

  /** "Leave": we say so, and let everything go. */
  leave(): void {
    if (this.snap.phase === 'idle' || this.snap.phase === 'left') return;
    call('video.leave', { encounterId: this.encounterId }).catch(() => {});
    this.finish('left');
  }

  /** The page goes away. */
  destroy(): void {
    if (this.snap.phase !== 'idle' && this.snap.phase !== 'left') call('video.leave', { encounterId: this.encounterId }).catch(() => {});
    this.destroyed = true;
    this.listeners.clear();
    this.teardown();
  }

  private finish(reason: LeftReason, detail: string | null = null): void {
    this.teardown();
    this.set({ ...EMPTY, phase: 'left', reason, detail, error: null });
  }

  /** The browser's network-change signals: back online, or another connection type (Network Information API). */
  private readonly networkChanged = () => this.mesh?.restartAll();

  private watchNetwork(on: boolean): void {
    const conn = (navigator as Navigator & { connection?: EventTarget }).connection;
    const how = on ? 'addEventListener' : 'removeEventListener';
    window[how]('online', this.networkChanged);
    conn?.[how]('change', this.networkChanged);
  }

  private teardown(): void {
    this.watchNetwork(false);
    this.unfollow?.();
    this.unfollow = null;
    if (this.beat) clearInterval(this.beat);
    if (this.poll) clearInterval(this.poll);
    this.beat = null;
    this.poll = null;
    this.mesh?.closeAll();
    this.mesh = null;
    this.counters.clear();
    this.stopLocal();
  }

  private stopLocal(): void {
    for (const t of [this.mic, this.cam, this.shared]) t?.stop();
    this.mic = null;
    this.cam = null;
    this.shared = null;
  }

  // --- the moderator's steps ---

  admit(member: string) { return this.step('video.admit', { member }); }
  reject(member: string, reason?: string) { return this.step('video.reject', { member, ...(reason ? { reason } : {}) }); }
  remove(member: string) { return this.step('video.remove', { member }); }
  mute(member: string) { return this.step('video.mute', { member }); }
  /** Hand the lead of the room to a colleague in it (or take it back, as the visit's doctor). */
  handOver(member: string) { return this.step('video.handover', { member }); }

  /** Start or stop recording (the moderator; the hub needs everyone's consent). */
  record(on: boolean) { return this.step('video.record', { on }); }

  /** Our consent to the visit's recording, given or withdrawn (withdrawing stops a recording). */
  async consent(on: boolean): Promise<void> {
    this.set({ error: null });
    try {
      const d = await call('video.consent', { encounterId: this.encounterId, consent: on });
      this.set({ consent: on });
      const r = parseRoster(d.room);
      if (r && this.snap.phase === 'in-room') this.roster(r);
    } catch (e) {
      this.set({ error: e });
    }
  }

  /** "End the visit for everyone". */
  async end(): Promise<void> {
    try {
      const d = await call('video.end', { encounterId: this.encounterId });
      this.finish('ended');
      this.status(parseRoster(d.room)?.status ?? 'completed');
    } catch (e) {
      this.set({ error: e });
    }
  }

  private async step(type: string, data: Json): Promise<void> {
    this.set({ error: null });
    try {
      const d = await call(type, { encounterId: this.encounterId, ...data });
      const r = parseRoster(d.room);
      if (r) this.roster(r);
    } catch (e) {
      this.set({ error: e });
    }
  }

  // --- our media ---

  private outgoing(): Outgoing {
    return { audio: this.mic, video: this.shared ?? this.cam, stream: this.out };
  }

  private showSelf(): void {
    const v = this.shared ?? this.cam;
    this.set({ self: v ? new MediaStream([v]) : null, audio: !!this.mic && this.mic.enabled, video: !!this.cam, screen: !!this.shared });
  }

  private sendMedia(): void {
    if (this.snap.phase !== 'in-room') return;
    call('video.media', { encounterId: this.encounterId, audio: this.snap.audio, video: this.snap.video, screen: this.snap.screen })
      .catch(() => {});
  }

  async toggleMic(): Promise<void> {
    this.set({ problem: null });
    if (this.mic && this.mic.readyState === 'live') {
      this.mic.enabled = !this.mic.enabled;
    } else {
      try {
        const s = await navigator.mediaDevices.getUserMedia({
          audio: this.devices.microphoneId ? { deviceId: { exact: this.devices.microphoneId } } : true });
        if (this.gone(s)) return; // left or closed while the browser asked: nothing stays on
        this.mic = s.getAudioTracks()[0] ?? null;
        await this.mesh?.replace('audio', this.mic);
      } catch (e) {
        this.set({ problem: { kind: 'microphone', reason: reasonOf(e) } });
      }
    }
    if (this.mic?.enabled) this.set({ mutedBy: null });
    this.showSelf();
    this.sendMedia();
  }

  async toggleCamera(): Promise<void> {
    this.set({ problem: null });
    if (this.cam) {
      this.cam.stop();
      this.cam = null;
      if (!this.shared) await this.mesh?.replace('video', null);
    } else {
      try {
        const s = await navigator.mediaDevices.getUserMedia({
          video: this.devices.cameraId ? { deviceId: { exact: this.devices.cameraId } } : true });
        if (this.gone(s)) return;
        this.cam = s.getVideoTracks()[0] ?? null;
        if (!this.shared) await this.mesh?.replace('video', this.cam);
      } catch (e) {
        this.set({ problem: { kind: 'camera', reason: reasonOf(e) } });
      }
    }
    this.showSelf();
    this.sendMedia();
  }

  /** True (and the new stream stopped) when the page left the room while a device prompt was open. */
  private gone(s: MediaStream): boolean {
    if (!this.destroyed && this.snap.phase !== 'left' && this.snap.phase !== 'idle') return false;
    s.getTracks().forEach((tr) => tr.stop());
    return true;
  }

  /** Shares the screen instead of the camera, or stops (the camera again). Called in the button's press. */
  async toggleShare(): Promise<void> {
    this.set({ problem: null });
    if (this.shared) { await this.stopShare(); return; }
    try {
      // straight from the press: the browser asks only within the user's gesture
      const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      if (this.gone(s)) return;
      const track = s.getVideoTracks()[0];
      if (!track) throw new Error('no video');
      track.contentHint = 'detail';
      track.onended = () => void this.stopShare(track); // the browser's own "Stop sharing"
      this.shared = track;
      await this.mesh?.replace('video', track);
    } catch (e) {
      this.set({ problem: { kind: 'share', reason: reasonOf(e) } });
    }
    this.showSelf();
    this.sendMedia();
  }

  private async stopShare(which?: MediaStreamTrack): Promise<void> {
    if (!this.shared || (which && which !== this.shared)) return;
    this.shared.onended = null;
    this.shared.stop();
    this.shared = null;
    await this.mesh?.replace('video', this.cam);
    this.showSelf();
    this.sendMedia();
  }

  /** The moderator asked that our microphone go off. */
  private mutedBy(by: string): void {
    if (this.mic) this.mic.enabled = false;
    this.set({ mutedBy: by || 'moderator' });
    this.showSelf();
    this.sendMedia();
  }

  // --- the others ---

  private send(to: string, s: Signal): void {
    call('video.signal', { encounterId: this.encounterId, to, ...s }).catch((e) => {
      // a peer that left meanwhile (404 No peer) goes with the next roster
      if (e instanceof ApiError && e.status !== 0 && e.status !== 404) console.warn('video.signal refused:', e.message);
    });
  }

  private remote(peerId: string, change: Partial<Remote>): void {
    const before = this.snap.remotes[peerId] ?? { peerId, member: '', stream: null, connection: 'new' as const, quality: null };
    this.set({ remotes: { ...this.snap.remotes, [peerId]: { ...before, ...change } } });
  }

  private forget(peerId: string): void {
    this.counters.delete(peerId);
    if (!(peerId in this.snap.remotes)) return;
    const rest = { ...this.snap.remotes };
    delete rest[peerId];
    this.set({ remotes: rest });
  }

  /** Every 2 s: each connection's round trip, loss, incoming rate and whether it goes through a relay. */
  private startPolling(): void {
    if (this.poll) return;
    let ticks = 0;
    this.poll = setInterval(() => {
      const mesh = this.mesh;
      if (!mesh) return;
      // every 10 s, what this page measured goes to the hub, for the visit's call-quality summary
      ticks += 1;
      if (ticks % 5 === 0 && this.snap.phase === 'in-room') {
        const sample = summarise(Object.values(this.snap.remotes).map((r) => r.quality));
        if (sample) void call('video.quality', { encounterId: this.encounterId, ...sample }).catch(() => {});
      }
      for (const id of mesh.ids()) {
        mesh.stats(id)?.then((report) => {
          if (this.mesh !== mesh || !(id in this.snap.remotes)) return;
          const q = measure(report.values() as Iterable<Stat>, this.counters.get(id), performance.now());
          this.counters.set(id, q.counters);
          this.remote(id, { quality: q });
        }, () => {});
      }
    }, 2000);
  }
}

// --- the endoscopes' live pictures (issue 22) ---

/** The endoscopy systems that may show their live picture in this visit, and which do (its clinicians only; 403 else). */
export async function videoSources(encounterId: string): Promise<VideoSource[]> {
  return parseVideoSources(must(await api.GET('/integration/endoscopy/video-stream', { params: { query: { encounterId } } })));
}

/** The room's leader shows a system's live picture in the visit, or stops it; the sources as they are then. */
export async function showVideoSource(encounterId: string, adapterId: string, on: boolean): Promise<VideoSource[]> {
  return parseVideoSources(must(await api.POST('/integration/endoscopy/video-stream', { body: { encounterId, adapterId, on } })));
}
