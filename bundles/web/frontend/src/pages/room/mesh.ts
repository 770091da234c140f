// One RTCPeerConnection per other peer in the room (a mesh of at most 4), negotiated by "perfect negotiation"
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): the peer that enters offers; after that either side
// may offer again (an ICE restart), and when two offers cross the polite side (whose peerId sorts first) gives way.
//
// Every connection has one audio and one video transceiver, sending in both directions from the start: turning the
// camera on or off and sharing the screen replace the track a sender sends (no new negotiation), so a visit that
// begins without a camera can show one later.
import { isPolite } from './logic';

export interface Signal {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

/** What this page sends: the microphone, the camera or the shared screen, and the stream that groups them. */
export interface Outgoing {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  stream: MediaStream;
}

export interface MeshEvents {
  /** A description or candidate for `to` (sent as `video.signal`). */
  signal: (to: string, s: Signal) => void;
  /** What `peerId` sends us now (audio and video in one stream). */
  remote: (peerId: string, member: string, stream: MediaStream) => void;
  /** A connection's state changed (new, connecting, connected, disconnected, failed, closed). */
  state: (peerId: string, member: string, state: RTCPeerConnectionState) => void;
  problem?: (peerId: string, e: unknown) => void;
}

interface Peer {
  id: string;
  member: string;
  pc: RTCPeerConnection;
  polite: boolean;
  /** This side offered first (it entered after them). */
  offerer: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  closed: boolean;
  stream: MediaStream;
}

const KINDS = ['audio', 'video'] as const;

function plain(d: RTCSessionDescription | null): RTCSessionDescriptionInit | undefined {
  return d ? { type: d.type, sdp: d.sdp } : undefined;
}

export class Mesh {
  private readonly peers = new Map<string, Peer>();
  /** Each peer's signals are handled one after the other (a candidate never before its description). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly me: string,
    private readonly config: RTCConfiguration,
    private readonly outgoing: () => Outgoing,
    private readonly on: MeshEvents,
  ) {}

  ids(): string[] {
    return [...this.peers.keys()];
  }

  /** We entered the room after `peerId`: we offer. */
  call(peerId: string, member: string): void {
    if (peerId === this.me || this.peers.has(peerId)) return;
    this.create(peerId, member, true);
  }

  /** A `video.signal` from `from`: an offer from a peer we do not know yet opens a connection to it. */
  signal(from: string, member: string, s: Signal): void {
    if (from === this.me) return;
    if (!this.peers.has(from)) {
      if (s.description?.type !== 'offer') return; // a late candidate or answer of a connection already closed
      this.create(from, member, false);
    }
    const next = (this.queues.get(from) ?? Promise.resolve())
      .then(() => this.receive(from, s))
      .catch((e) => this.on.problem?.(from, e));
    this.queues.set(from, next);
  }

  /** Closes the connection to a peer that left the room. */
  drop(peerId: string): void {
    const p = this.peers.get(peerId);
    if (!p) return;
    this.discard(p);
    this.queues.delete(peerId);
    this.on.state(peerId, p.member, 'closed');
  }

  /**
   * The network changed (Wi-Fi to mobile data, a cable pulled and back): every connection gathers anew and
   * renegotiates its ICE (perfect negotiation carries the new offer), instead of waiting for it to fail.
   */
  restartAll(): void {
    for (const p of this.peers.values()) if (!p.closed) p.pc.restartIce();
  }

  closeAll(): void {
    for (const id of this.ids()) this.drop(id);
  }

  /** Sends `track` (or nothing) as our audio or video on every connection. */
  async replace(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await Promise.all([...this.peers.values()].flatMap((p) => p.pc.getTransceivers()
      .filter((t) => t.receiver.track?.kind === kind && t.currentDirection !== 'stopped')
      .map((t) => t.sender.replaceTrack(track).catch((e) => this.on.problem?.(p.id, e)))));
  }

  stats(peerId: string): Promise<RTCStatsReport> | null {
    return this.peers.get(peerId)?.pc.getStats() ?? null;
  }

  private create(peerId: string, member: string, offerer: boolean): Peer {
    const pc = new RTCPeerConnection(this.config);
    const p: Peer = {
      id: peerId, member, pc, polite: isPolite(this.me, peerId), offerer, makingOffer: false, ignoreOffer: false,
      closed: false, stream: new MediaStream(),
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate && !p.closed) this.on.signal(peerId, { candidate: candidate.toJSON() });
    };
    pc.onnegotiationneeded = async () => {
      try {
        p.makingOffer = true;
        await pc.setLocalDescription();
        if (!p.closed) this.on.signal(peerId, { description: plain(pc.localDescription) });
      } catch (e) {
        if (!p.closed) this.on.problem?.(peerId, e);
      } finally {
        p.makingOffer = false;
      }
    };
    pc.ontrack = ({ track }) => {
      if (p.closed) return;
      // one stream per peer, its latest track of each kind
      p.stream = new MediaStream([...p.stream.getTracks().filter((t) => t.kind !== track.kind), track]);
      this.on.remote(peerId, p.member, p.stream);
    };
    // a network change (Wi-Fi to mobile data, a NAT that forgot us): gather again and renegotiate
    pc.oniceconnectionstatechange = () => {
      if (!p.closed && pc.iceConnectionState === 'failed') pc.restartIce();
    };
    pc.onconnectionstatechange = () => {
      if (!p.closed) this.on.state(peerId, member, pc.connectionState);
    };
    if (offerer) {
      const out = this.outgoing();
      for (const kind of KINDS) pc.addTransceiver(out[kind] ?? kind, { direction: 'sendrecv', streams: [out.stream] });
    }
    this.peers.set(peerId, p);
    this.on.state(peerId, member, pc.connectionState);
    return p;
  }

  private discard(p: Peer): void {
    p.closed = true;
    p.pc.onicecandidate = null;
    p.pc.onnegotiationneeded = null;
    p.pc.ontrack = null;
    p.pc.oniceconnectionstatechange = null;
    p.pc.onconnectionstatechange = null;
    p.pc.close();
    if (this.peers.get(p.id) === p) this.peers.delete(p.id);
  }

  private async receive(from: string, { description, candidate }: Signal): Promise<void> {
    let p = this.peers.get(from);
    if (!p || p.closed) return;
    if (description) {
      const collision = description.type === 'offer' && (p.makingOffer || p.pc.signalingState !== 'stable');
      p.ignoreOffer = !p.polite && collision;
      if (p.ignoreOffer) return;
      if (collision && p.offerer && !p.pc.remoteDescription) {
        // we both entered at once and offered to each other, and we give way: nothing flowed yet, so we answer on a
        // new connection (a rollback would keep our unanswered transceivers beside theirs)
        this.discard(p);
        p = this.create(from, p.member, false);
      }
      if (description.type === 'answer' && p.pc.signalingState !== 'have-local-offer') return; // a stale answer
      await p.pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await this.attach(p);
        await p.pc.setLocalDescription();
        if (!p.closed) this.on.signal(from, { description: plain(p.pc.localDescription) });
      }
    } else if (candidate) {
      try {
        await p.pc.addIceCandidate(candidate);
      } catch (e) {
        if (!p.ignoreOffer && !p.closed) throw e;
      }
    }
  }

  /** Answering: what the offer brought in is sent back in both directions, with our tracks. */
  private async attach(p: Peer): Promise<void> {
    const out = this.outgoing();
    for (const t of p.pc.getTransceivers()) {
      const kind = t.receiver.track?.kind;
      if (t.currentDirection === 'stopped' || (kind !== 'audio' && kind !== 'video')) continue;
      if (t.sender.track !== out[kind]) await t.sender.replaceTrack(out[kind]);
      if (t.direction === 'recvonly' || t.direction === 'inactive') {
        // a transceiver their offer made: we send on it too, in our stream
        t.direction = 'sendrecv';
        t.sender.setStreams(out.stream);
      }
    }
  }
}
