import { describe, expect, it } from 'vitest';
import {
  camerasToCall, closedStatus, columns, goneFrom, heartbeatMillis, isClinician, isPolite, leftBy, levelOf, measure, parseJoinAck,
  parseRoster, parseVideoSources, peersToCall, type Stat, summarise,
} from './logic';

const roster = {
  encounterId: 'e1', moderator: 'dr.who', status: 'in_progress',
  peers: [
    { peerId: 'p-b', member: 'dr.who', name: 'Dr Who', role: 'moderator', audio: true, video: true, screen: false },
    { peerId: 'p-a', member: 'amy', name: 'Amy Pond', role: 'patient', audio: false, video: true, screen: false },
  ],
  waiting: [{ member: 'visit:42', name: 'Gita Guest', role: 'guest', since: '2026-12-03T10:00:00Z', note: 'removed' }],
};

describe('the hub\'s answers', () => {
  it('reads the join answer of an admitted peer with its ICE servers and roster', () => {
    const ack = parseJoinAck({
      peerId: 'p-a', member: 'amy', state: 'admitted', role: 'patient', audioOnly: false, heartbeatSeconds: 10,
      iceTransportPolicy: 'relay',
      iceServers: [{ urls: ['stun:h:3478', 'turn:h:3478?transport=udp'], username: '1700000000:amy', credential: 'c2VjcmV0' },
        { urls: 42 }, 'nonsense'],
      room: roster,
    });
    expect(ack.state).toBe('admitted');
    expect(ack.iceTransportPolicy).toBe('relay');
    expect(ack.iceServers).toEqual([{ urls: ['stun:h:3478', 'turn:h:3478?transport=udp'], username: '1700000000:amy', credential: 'c2VjcmV0' }]);
    expect(ack.heartbeatSeconds).toBe(10);
    expect(ack.room?.peers.map((p) => p.peerId)).toEqual(['p-b', 'p-a']);
    expect(ack.room?.waiting[0]).toEqual({ member: 'visit:42', name: 'Gita Guest', role: 'guest', since: '2026-12-03T10:00:00Z', note: 'removed' });
  });
  it('takes a waiting answer without a roster, and defaults what is missing', () => {
    const ack = parseJoinAck({ peerId: 'p-c', member: 'amy', state: 'waiting', role: 'patient' });
    expect(ack).toMatchObject({ state: 'waiting', room: null, iceServers: [], iceTransportPolicy: 'all', heartbeatSeconds: 25, audioOnly: false });
  });
  it('reads a roster event; a name falls back to the member; anything else is not a roster', () => {
    const r = parseRoster({ ...roster, peers: [{ peerId: 'x', member: 'visit:7' }], waiting: undefined });
    expect(r?.peers[0]).toEqual({ peerId: 'x', member: 'visit:7', name: 'visit:7', role: '', audio: false, video: false, screen: false, consent: false });
    expect(r?.waiting).toEqual([]);
    expect(r?.recorder).toBeNull();
  });
  it('reads the recorder and why recording stopped; the recorder stays connected while it records', () => {
    const on = parseRoster({ ...roster, recorder: { peerId: 'rec-1', since: '2026-12-04T10:00:00Z', part: 2 } })!;
    expect(on.recorder).toEqual({ peerId: 'rec-1', since: '2026-12-04T10:00:00Z', part: 2 });
    expect(goneFrom(['p-b', 'rec-1', 'p-old'], on)).toEqual(['p-old']);
    const off = parseRoster({ ...roster, recorder: { peerId: '' }, recordingNote: 'withdrawn:Pegah' })!;
    expect(off.recorder).toBeNull();
    expect(off.recordingNote).toBe('withdrawn:Pegah');
    expect(goneFrom(['p-b', 'rec-1'], off)).toEqual(['rec-1']);
    expect(parseJoinAck({ peerId: 'p', recordingEnabled: true, consent: true })).toMatchObject({ recordingEnabled: true, consent: true });
    expect(parseRoster(null)).toBeNull();
    expect(parseRoster({ encounterId: 'e1' })).toBeNull();
  });
});

describe('the endoscopes\' live pictures', () => {
  const cameras = [
    { peerId: 'cam-1', source: 'olympus-2', name: 'Endoscopy suite 2 (Olympus)', signal: 'live', since: '2026-12-04T10:00:00Z' },
    { peerId: 'cam-2', source: 'pentax-1', signal: 'frozen' },
    { source: 'no-peer', name: 'No peer', signal: 'live' }, { peerId: '', source: 'empty' }, { peerId: 7 }, 'nonsense',
  ];
  it('reads the roster\'s cameras, drops those without a peer, and takes an unknown signal as still connecting', () => {
    const r = parseRoster({ ...roster, cameras })!;
    expect(r.cameras).toEqual([
      { peerId: 'cam-1', source: 'olympus-2', name: 'Endoscopy suite 2 (Olympus)', signal: 'live', since: '2026-12-04T10:00:00Z' },
      { peerId: 'cam-2', source: 'pentax-1', name: 'pentax-1', signal: 'connecting', since: null },
    ]);
    expect(parseRoster({ ...roster, cameras: [{ peerId: 'cam-3', signal: 'lost' }] })!.cameras[0]).toMatchObject({ signal: 'lost' });
    expect(parseRoster(roster)!.cameras).toEqual([]);
    expect(parseRoster({ ...roster, cameras: 'none' })!.cameras).toEqual([]);
  });
  it('keeps a camera\'s connection while the roster lists it, and closes it when it goes', () => {
    const on = parseRoster({ ...roster, cameras })!;
    expect(goneFrom(['p-b', 'cam-1', 'cam-2', 'p-old'], on)).toEqual(['p-old']);
    expect(goneFrom(['p-b', 'cam-1'], parseRoster({ ...roster, cameras: [] })!)).toEqual(['cam-1']);
  });
  it('has only a clinician\'s page offer to a camera, once, and not again while connected', () => {
    const r = parseRoster({ ...roster, cameras: [...cameras, cameras[0]] })!;
    expect(camerasToCall(r, ['p-b'], 'moderator').map((c) => c.peerId)).toEqual(['cam-1', 'cam-2']);
    expect(camerasToCall(r, ['p-b', 'cam-1'], 'colleague').map((c) => c.peerId)).toEqual(['cam-2']);
    for (const role of ['patient', 'guest', 'interpreter', '', undefined]) expect(camerasToCall(r, [], role)).toEqual([]);
    expect(isClinician('moderator') && isClinician('colleague') && !isClinician('patient')).toBe(true);
  });
  it('reads the hub\'s video sources: a source in the room has a peer and a signal, one not shown has neither', () => {
    expect(parseVideoSources({
      encounterId: 'e1',
      sources: [
        { adapterId: 'olympus-2', name: 'Endoscopy suite 2 (Olympus)', peerId: 'cam-1', signal: 'lost', since: '2026-12-04T10:00:00Z' },
        { adapterId: 'pentax-1', name: '', peerId: null, signal: null, since: null },
        { adapterId: 'odd', peerId: 'cam-9', signal: 'weird' }, { name: 'no adapter' }, null,
      ],
    })).toEqual([
      { adapterId: 'olympus-2', name: 'Endoscopy suite 2 (Olympus)', peerId: 'cam-1', signal: 'lost', since: '2026-12-04T10:00:00Z' },
      { adapterId: 'pentax-1', name: 'pentax-1', peerId: null, signal: null, since: null },
      { adapterId: 'odd', name: 'odd', peerId: 'cam-9', signal: 'connecting', since: null },
    ]);
    expect(parseVideoSources(null)).toEqual([]);
    expect(parseVideoSources({ sources: 'x' })).toEqual([]);
  });
});

describe('who offers, who gives way', () => {
  it('makes the peer whose id sorts first the polite one, on both sides alike', () => {
    expect(isPolite('p-a', 'p-b')).toBe(true);
    expect(isPolite('p-b', 'p-a')).toBe(false);
    expect(isPolite('P-z', 'p-a')).toBe(true); // code-unit order, the same in every browser
  });
  it('has the entering peer offer to everyone else in the room, once each', () => {
    const r = parseRoster({ ...roster, peers: [...roster.peers, roster.peers[0]] })!;
    expect(peersToCall(r, 'p-a').map((p) => p.peerId)).toEqual(['p-b']);
    expect(peersToCall(null, 'p-a')).toEqual([]);
  });
  it('closes the connections to peers the roster no longer lists', () => {
    expect(goneFrom(['p-b', 'p-old'], parseRoster(roster)!)).toEqual(['p-old']);
  });
  it('beats as often as the hub asks, within reason', () => {
    expect(heartbeatMillis(10)).toBe(10_000);
    expect(heartbeatMillis(0)).toBe(25_000);
    expect(heartbeatMillis(3600)).toBe(60_000);
  });
  it('knows the events that put a page out of the room', () => {
    expect(['video.rejected', 'video.removed', 'video.replaced', 'video.ended', 'video.room'].map(leftBy))
      .toEqual(['rejected', 'removed', 'replaced', 'ended', null]);
    expect(closedStatus('completed')).toBe(true);
    expect(closedStatus('in_progress')).toBe(false);
  });
  it('lays 1 to 4 people out in one or two columns, stacked on a phone when two', () => {
    expect([1, 2, 3, 4].map((n) => columns(n, false))).toEqual([1, 2, 2, 2]);
    expect([1, 2, 3, 4].map((n) => columns(n, true))).toEqual([1, 1, 2, 2]);
  });
});

/** getStats() of a connection through a TURN relay: the transport's pair, its candidates, what came in. */
function report(bytes: number, packets: number, lost: number, rtt = 0.045, local = 'relay'): Stat[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: rtt, state: 'succeeded', nominated: true },
    { id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1', state: 'failed' },
    { id: 'L1', type: 'local-candidate', candidateType: local },
    { id: 'L2', type: 'local-candidate', candidateType: 'host' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', bytesReceived: bytes / 4, packetsReceived: packets / 2, packetsLost: lost },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', bytesReceived: (bytes * 3) / 4, packetsReceived: packets / 2, packetsLost: 0 },
  ];
}

describe('call quality', () => {
  it('measures the round trip, the loss and the rate between two polls, and sees the relay', () => {
    const first = measure(report(100_000, 1000, 0), undefined, 10_000);
    expect(first).toMatchObject({ rttMs: 45, lossPct: 0, kbps: null, path: 'relay', level: 'good' });
    const second = measure(report(350_000, 2000, 20), first.counters, 12_000);
    expect(second.kbps).toBe(1000); // 250 000 bytes in 2 s
    expect(second.lossPct).toBe(2); // 20 of 1020 expected since the first poll
    expect(second.level).toBe('good');
  });
  it('says direct when neither candidate is a relay, and poor for a long round trip or heavy loss', () => {
    expect(measure(report(1, 2, 0, 0.02, 'host'), undefined, 1).path).toBe('direct');
    expect(measure(report(1, 2, 0, 0.5), undefined, 1).level).toBe('poor');
    expect(levelOf(80, 12)).toBe('poor');
    expect(levelOf(null, null)).toBeNull();
  });
  it('finds the pair without a transport entry (nominated and succeeded), and knows nothing before one is chosen', () => {
    const withoutTransport = report(1, 2, 0).filter((s) => s.type !== 'transport');
    expect(measure(withoutTransport, undefined, 1).path).toBe('relay');
    const none = measure([{ id: 'X', type: 'codec' }], undefined, 1);
    expect(none).toMatchObject({ rttMs: null, lossPct: null, kbps: null, path: null, level: null });
  });
  it('starts over when the counters do (a new connection after a rejoin)', () => {
    const before = measure(report(900_000, 9000, 0), undefined, 1000);
    const after = measure(report(10_000, 100, 0), before.counters, 3000);
    expect(after.kbps).toBeNull();
  });
});

describe('summarise', () => {
  const q = (rttMs: number | null, lossPct: number | null, kbps: number | null, path: 'relay' | 'direct' | null) =>
    ({ rttMs, lossPct, kbps, path, level: null, counters: { at: 0, bytes: 0, packets: 0, lost: 0 } });
  it('reports the worst round trip and loss, the sum of what arrived, and any relay', () => {
    expect(summarise([q(20, 0, 500, 'direct'), q(80, 2.5, 300, 'relay'), null]))
      .toEqual({ rttMs: 80, lossPercent: 2.5, kbpsIn: 800, relayed: true });
  });
  it('has nothing to report before a connection was measured', () => {
    expect(summarise([null, q(null, null, null, null)])).toBeNull();
  });
});
