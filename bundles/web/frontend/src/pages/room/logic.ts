// The video room's pure parts (docs/websocket-protocol.md, "Video rooms"): reading the hub's join answer and roster,
// who offers to whom and who is polite, and a connection's quality from its WebRTC statistics.

type Json = Record<string, unknown>;

export type RoomRole = 'moderator' | 'patient' | 'colleague' | 'guest' | 'interpreter';

/** A peer in the room, as the roster names it (one per member). */
export interface RosterPeer {
  peerId: string;
  member: string;
  name: string;
  role: string;
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** They consented to the visit's recording. */
  consent: boolean;
}

/** The hub's recording peer: every browser sends it its audio; everyone sees that the visit is recorded. */
export interface RosterRecorder {
  peerId: string;
  since: string | null;
  part: number;
}

export type CameraSignal = 'connecting' | 'live' | 'lost';

/**
 * An endoscopy system's live picture (issue 22): a hub peer that only sends video, to the visit's clinicians. It never
 * offers: each clinician's page offers to it. `signal` is the hub's: on `lost` its engine keeps sending the last frame.
 */
export interface RosterCamera {
  peerId: string;
  /** The endoscopy system's adapter id. */
  source: string;
  name: string;
  signal: CameraSignal;
  since: string | null;
}

/** A member in the waiting room (the moderator's roster only). */
export interface WaitingMember {
  member: string;
  name: string;
  role: string;
  since: string | null;
  /** They were here before and the moderator rejected or removed them. */
  note: 'rejected' | 'removed' | null;
}

export interface Roster {
  encounterId: string;
  moderator: string;
  peers: RosterPeer[];
  waiting: WaitingMember[];
  /** The encounter's status (in_progress once someone was admitted). */
  status: string | null;
  /** Recording now, by this peer; null when not. */
  recorder: RosterRecorder | null;
  /** Why recording last stopped by itself (a withdrawn consent, someone who had not consented, an engine restart). */
  recordingNote: string | null;
  /** The endoscopes' live pictures in the room (seen by the visit's clinicians only). */
  cameras: RosterCamera[];
}

/** The `video.join` answer. */
export interface JoinAck {
  peerId: string;
  member: string;
  state: 'waiting' | 'admitted';
  role: string;
  audioOnly: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  heartbeatSeconds: number;
  room: Roster | null;
  /** The visit is to be recorded (with everyone's consent). */
  recordingEnabled: boolean;
  /** This member has consented to recording. */
  consent: boolean;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const bool = (v: unknown): boolean => v === true;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : []);

export function parseRoster(d: unknown): Roster | null {
  if (!d || typeof d !== 'object') return null;
  const r = d as Json;
  if (!Array.isArray(r.peers)) return null;
  return {
    encounterId: str(r.encounterId),
    moderator: str(r.moderator),
    peers: list(r.peers).filter((p) => typeof p.peerId === 'string').map((p) => ({
      peerId: str(p.peerId), member: str(p.member), name: str(p.name) || str(p.member), role: str(p.role),
      audio: bool(p.audio), video: bool(p.video), screen: bool(p.screen), consent: bool(p.consent),
    })),
    waiting: list(r.waiting).filter((w) => typeof w.member === 'string').map((w) => ({
      member: str(w.member), name: str(w.name) || str(w.member), role: str(w.role),
      since: typeof w.since === 'string' ? w.since : null,
      note: w.note === 'rejected' || w.note === 'removed' ? w.note : null,
    })),
    status: typeof r.status === 'string' ? r.status : null,
    recorder: parseRecorder(r.recorder),
    recordingNote: typeof r.recordingNote === 'string' ? r.recordingNote : null,
    cameras: parseCameras(r.cameras),
  };
}

function parseRecorder(v: unknown): RosterRecorder | null {
  if (!v || typeof v !== 'object') return null;
  const r = v as Json;
  if (typeof r.peerId !== 'string' || !r.peerId) return null;
  return { peerId: r.peerId, since: typeof r.since === 'string' ? r.since : null, part: Number(r.part) || 1 };
}

const signalOf = (v: unknown): CameraSignal => (v === 'live' || v === 'lost' ? v : 'connecting');

/** The roster's cameras: one without a peer cannot be watched; a signal we do not know yet is still coming. */
function parseCameras(v: unknown): RosterCamera[] {
  return list(v).filter((c) => typeof c.peerId === 'string' && c.peerId).map((c) => ({
    peerId: str(c.peerId), source: str(c.source), name: str(c.name) || str(c.source) || str(c.peerId),
    signal: signalOf(c.signal), since: typeof c.since === 'string' ? c.since : null,
  }));
}

/** An endoscopy system that may show its live picture in the visit, and whether it does now (its peer, its signal). */
export interface VideoSource {
  adapterId: string;
  name: string;
  peerId: string | null;
  signal: CameraSignal | null;
  since: string | null;
}

/** The hub's answer of `/integration/endoscopy/video-stream` (GET and POST alike): its sources. */
export function parseVideoSources(d: unknown): VideoSource[] {
  const sources = d && typeof d === 'object' ? (d as Json).sources : null;
  return list(sources).filter((x) => typeof x.adapterId === 'string' && x.adapterId).map((x) => {
    const peerId = typeof x.peerId === 'string' && x.peerId ? x.peerId : null;
    return {
      adapterId: str(x.adapterId), name: str(x.name) || str(x.adapterId), peerId,
      signal: peerId ? signalOf(x.signal) : null, since: typeof x.since === 'string' ? x.since : null,
    };
  });
}

/** Only what RTCConfiguration takes of each ICE server (urls, username, credential). */
function iceServers(v: unknown): RTCIceServer[] {
  return list(v).flatMap((s) => {
    const urls = typeof s.urls === 'string' ? s.urls : Array.isArray(s.urls) ? s.urls.filter((u): u is string => typeof u === 'string') : null;
    if (!urls || urls.length === 0) return [];
    const server: RTCIceServer = { urls };
    if (typeof s.username === 'string') server.username = s.username;
    if (typeof s.credential === 'string') server.credential = s.credential;
    return [server];
  });
}

export function parseJoinAck(d: Json): JoinAck {
  const beat = Number(d.heartbeatSeconds);
  return {
    peerId: str(d.peerId),
    member: str(d.member),
    state: d.state === 'admitted' ? 'admitted' : 'waiting',
    role: str(d.role),
    audioOnly: bool(d.audioOnly),
    iceServers: iceServers(d.iceServers),
    iceTransportPolicy: d.iceTransportPolicy === 'relay' ? 'relay' : 'all',
    heartbeatSeconds: Number.isFinite(beat) && beat > 0 ? beat : 25,
    room: parseRoster(d.room),
    recordingEnabled: bool(d.recordingEnabled),
    consent: bool(d.consent),
  };
}

/** Perfect negotiation: of two peers, the one whose peerId sorts first gives way when their offers cross. */
export function isPolite(me: string, other: string): boolean {
  return me < other;
}

/** Whom the entering peer offers to: everyone else in the roster, once each. */
export function peersToCall(roster: Roster | null, me: string): RosterPeer[] {
  const seen = new Set<string>([me]);
  return (roster?.peers ?? []).filter((p) => !seen.has(p.peerId) && seen.add(p.peerId));
}

/** The visit's clinicians (the doctor, whoever leads, and colleagues): only they watch the endoscopes' pictures. */
export function isClinician(role: string | undefined | null): boolean {
  return role === 'moderator' || role === 'colleague';
}

/** The cameras a clinician's page offers to: those in the roster it has no connection to yet (nobody else's page). */
export function camerasToCall(roster: Roster, connected: Iterable<string>, role: string | undefined | null): RosterCamera[] {
  if (!isClinician(role)) return [];
  const have = new Set(connected);
  return roster.cameras.filter((c) => !have.has(c.peerId) && have.add(c.peerId));
}

/**
 * The connections to close: peers we have that the roster no longer lists (the recorder counts while it records, a
 * camera while the roster lists it).
 */
export function goneFrom(connected: Iterable<string>, roster: Roster): string[] {
  const present = new Set(roster.peers.map((p) => p.peerId));
  if (roster.recorder) present.add(roster.recorder.peerId);
  for (const c of roster.cameras) present.add(c.peerId);
  return [...connected].filter((id) => !present.has(id));
}

/** The heartbeat's period: the hub's `heartbeatSeconds`, kept between 1 s and 60 s. */
export function heartbeatMillis(seconds: number): number {
  return Math.min(60, Math.max(1, seconds || 25)) * 1000;
}

/** Received counters of one connection at one moment (for rates between two polls). */
export interface Counters {
  at: number;
  bytes: number;
  packets: number;
  lost: number;
}

export interface Quality {
  /** Round trip of the selected candidate pair, ms. */
  rttMs: number | null;
  /** Packets lost of those expected since the previous poll (or ever, on the first), %. */
  lossPct: number | null;
  /** What arrived since the previous poll, kbit/s (null on the first poll). */
  kbps: number | null;
  /** Through a TURN relay (either side's candidate of the selected pair is `relay`), or directly. */
  path: 'relay' | 'direct' | null;
  level: 'good' | 'poor' | null;
  counters: Counters;
}

/** A WebRTC statistics entry, as far as we read it. */
export type Stat = { id: string; type: string } & Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The candidate pair in use: the transport's selected one, else a nominated pair that succeeded. */
function selectedPair(stats: Map<string, Stat>): Stat | undefined {
  for (const s of stats.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      const p = stats.get(s.selectedCandidatePairId);
      if (p) return p;
    }
  }
  const pairs = [...stats.values()].filter((s) => s.type === 'candidate-pair');
  return pairs.find((p) => p.selected === true) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded');
}

/** Poor: a round trip over 400 ms or more than 5 % of packets lost; good otherwise, once anything is known. */
export function levelOf(rttMs: number | null, lossPct: number | null): 'good' | 'poor' | null {
  if (rttMs === null && lossPct === null) return null;
  return (rttMs ?? 0) > 400 || (lossPct ?? 0) > 5 ? 'poor' : 'good';
}

/**
 * The quality of one connection from its `getStats()` entries (`now` in ms), rates against `previous` counters
 * (the last poll's), if any.
 */
export function measure(entries: Iterable<Stat>, previous: Counters | undefined, now: number): Quality {
  const stats = new Map<string, Stat>();
  for (const s of entries) stats.set(s.id, s);
  const pair = selectedPair(stats);
  let rttMs: number | null = null;
  let path: Quality['path'] = null;
  if (pair) {
    if (typeof pair.currentRoundTripTime === 'number') rttMs = Math.round(pair.currentRoundTripTime * 1000);
    const local = stats.get(String(pair.localCandidateId));
    const remote = stats.get(String(pair.remoteCandidateId));
    if (local || remote) path = local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relay' : 'direct';
  }
  if (rttMs === null) {
    const rtts = [...stats.values()].filter((s) => s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number');
    if (rtts.length) rttMs = Math.round(Math.max(...rtts.map((s) => num(s.roundTripTime))) * 1000);
  }
  const counters: Counters = { at: now, bytes: 0, packets: 0, lost: 0 };
  for (const s of stats.values()) {
    if (s.type !== 'inbound-rtp') continue;
    counters.bytes += num(s.bytesReceived);
    counters.packets += num(s.packetsReceived);
    counters.lost += Math.max(0, num(s.packetsLost));
  }
  let kbps: number | null = null;
  let lossPct: number | null = null;
  const fresh = !previous || previous.at >= now || counters.bytes < previous.bytes; // first poll, or counters restarted
  const lost = fresh ? counters.lost : Math.max(0, counters.lost - previous.lost);
  const got = fresh ? counters.packets : Math.max(0, counters.packets - previous.packets);
  if (lost + got > 0) lossPct = Math.round((lost / (lost + got)) * 1000) / 10;
  if (!fresh) kbps = Math.round(((counters.bytes - previous.bytes) * 8) / (now - previous.at));
  return { rttMs, lossPct, kbps, path, level: levelOf(rttMs, lossPct), counters };
}

/** What a peer sends, as `video.media` tells the others. */
export interface MediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

/** The events of a room (the `video.join` subscription's types). */
export const ROOM_EVENTS = ['video.room', 'video.signal', 'video.admitted', 'video.rejected', 'video.removed',
  'video.replaced', 'video.muted', 'video.ended'];

/** Why a page is no longer in the room ('lost': the hub no longer counts it in, though its connection lived). */
export type LeftReason = 'left' | 'ended' | 'rejected' | 'removed' | 'replaced' | 'lost';

/** The event that puts a peer out of the room, and why; null for the others. */
export function leftBy(type: string): LeftReason | null {
  switch (type) {
    case 'video.rejected': return 'rejected';
    case 'video.removed': return 'removed';
    case 'video.replaced': return 'replaced';
    case 'video.ended': return 'ended';
    default: return null;
  }
}

/** Visits whose room can no longer be joined. */
export function closedStatus(status: string | undefined | null): boolean {
  return status === 'completed' || status === 'finished' || status === 'cancelled' || status === 'no_show';
}

/** The tiles' layout: how many columns for `n` people, on a wide screen and on a phone. */
export function columns(n: number, narrow: boolean): number {
  if (n <= 1) return 1;
  if (narrow) return n <= 2 ? 1 : 2;
  return 2;
}

/**
 * One report for the hub's call-quality summary from this page's connections: the worst round trip and loss, what
 * arrived in all, whether any is relayed; null until a connection has been measured.
 */
export function summarise(qs: (Quality | null)[]): { rttMs: number; lossPercent: number; kbpsIn: number; relayed: boolean } | null {
  const measured = qs.filter((q): q is Quality => !!q && (q.rttMs !== null || q.kbps !== null));
  if (!measured.length) return null;
  return {
    rttMs: Math.max(0, ...measured.map((q) => q.rttMs ?? 0)),
    lossPercent: Math.min(100, Math.max(0, ...measured.map((q) => q.lossPct ?? 0))),
    kbpsIn: measured.reduce((sum, q) => sum + (q.kbps ?? 0), 0),
    relayed: measured.some((q) => q.path === 'relay'),
  };
}
