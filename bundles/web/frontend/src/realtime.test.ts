import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A WebSocket that records what is sent and lets the test play the hub. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: { id: string; type: string }[] = [];
  closed: string | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(public url: string, public protocols: string[]) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error('sent on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }
  close(_code: number, reason: string) {
    this.closed = reason;
    this.readyState = 2;
  }
  /** The hub's side. */
  welcome() {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify({ v: 1, type: 'welcome' }) });
  }
  ack(id: string) {
    this.onmessage?.({ data: JSON.stringify({ v: 1, type: 'ack', re: id, data: {} }) });
  }
  closedByBrowser(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const sub = () => ({ frame: () => ({ type: 'chat.subscribe', data: {} }), onEvent: () => {}, types: [] });

describe('the realtime socket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.resetModules();
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('stays open while one subscriber gives way to the next', async () => {
    const rt = await import('./realtime');
    const stop = rt.follow(sub());
    FakeSocket.all[0].welcome();
    stop();
    vi.advanceTimersByTime(rt.IDLE_CLOSE_MS - 100);
    rt.follow(sub()); // the next component mounts
    vi.advanceTimersByTime(rt.IDLE_CLOSE_MS * 2);
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0].closed).toBeNull();
    const p = rt.call('video.handover', {});
    const frame = FakeSocket.all[0].sent.at(-1)!;
    expect(frame.type).toBe('video.handover');
    FakeSocket.all[0].ack(frame.id);
    await expect(p).resolves.toEqual({});
  });

  it('closes once nothing is followed for a while, and opens again when something is', async () => {
    const rt = await import('./realtime');
    const stop = rt.follow(sub());
    FakeSocket.all[0].welcome();
    stop();
    vi.advanceTimersByTime(rt.IDLE_CLOSE_MS);
    expect(FakeSocket.all[0].closed).toBe('nothing followed');
    await expect(rt.call('x', {})).rejects.toMatchObject({ status: 0 }); // nothing sent on a closing socket
    rt.follow(sub());
    expect(FakeSocket.all).toHaveLength(2); // at once, not after the closing socket's close event
    FakeSocket.all[0].closedByBrowser(); // the old socket's late close event
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2); // it neither reconnects nor forgets the new socket
    FakeSocket.all[1].welcome();
    const p = rt.call('y', {});
    FakeSocket.all[1].ack(FakeSocket.all[1].sent.at(-1)!.id);
    await expect(p).resolves.toEqual({});
  });

  it('opens a socket of the new identity at once, failing what was pending on the old one', async () => {
    const rt = await import('./realtime');
    rt.follow(sub());
    FakeSocket.all[0].welcome();
    const pending = rt.call('z', {});
    rt.setSocketBearer('guest-token');
    await expect(pending).rejects.toMatchObject({ status: 0 });
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[1].protocols).toEqual(['telehub.v1', 'bearer.guest-token']);
    FakeSocket.all[0].closedByBrowser();
    FakeSocket.all[1].welcome();
    let status = '';
    rt.watchStatus((s) => { status = s; });
    expect(status).toBe('live');
  });

  it('reconnects after a drop it did not ask for', async () => {
    const rt = await import('./realtime');
    rt.follow(sub());
    FakeSocket.all[0].welcome();
    FakeSocket.all[0].closedByBrowser(1006);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1_300);
    expect(FakeSocket.all).toHaveLength(2);
  });
});
