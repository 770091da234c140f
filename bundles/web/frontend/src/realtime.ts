// The hub's realtime channel /ws (docs/websocket-protocol.md, version 1) for the browser: one socket per tab, opened
// with the session cookie (the hub checks the Origin), reconnected with a growing pause after a drop, and every
// subscription made again on reconnect from where its owner got to (resume: nothing missed, nothing twice).
// A socket closed on purpose (another identity, nothing followed for a while) is forgotten at once: its late close
// event never touches the socket that replaced it, and nothing is sent on it while it closes.
import { ApiError } from './api/problem';

type Json = Record<string, unknown>;
type Frame = { v: number; type: string; re?: string; topic?: string; data?: Json; error?: Json };
export type Status = 'connecting' | 'live' | 'offline';

interface Subscription {
  /** The frame that (re)subscribes; called on every (re)connect, so it carries the owner's latest position. */
  frame: () => { type: string; data: Json };
  /** Events pushed for it (type and data), including a subscription's backlog. */
  onEvent: (type: string, data: Json) => void;
  onAck?: (data: Json) => void;
  onError?: (e: ApiError) => void;
  /** Event types this subscription takes (its backlog arrives before the ack, without a topic). */
  types: string[];
}

const listeners = new Set<(s: Status) => void>();
const subs = new Set<Subscription>();
const pending = new Map<string, { resolve: (d: Json) => void; reject: (e: unknown) => void }>();
let socket: WebSocket | null = null;
let status: Status = 'offline';
let attempt = 0;
let counter = 0;
let onSignedOut: () => void = () => {};
let bearer: string | null = null;
let idleClose: ReturnType<typeof setTimeout> | null = null;
/**
 * How long the socket stays open once nothing is followed: a page that unmounts one subscriber and mounts the next
 * (a video room whose lead changes, a chat that re-renders) keeps its socket instead of reconnecting.
 */
export const IDLE_CLOSE_MS = 5_000;

/**
 * A guest's visit token: a browser cannot set Authorization on a WebSocket, so the socket offers it as the
 * sub-protocol `bearer.<token>` beside `telehub.v1` (the hub answers with `telehub.v1` only). An open socket of
 * another identity is closed and opened again with it.
 */
export function setSocketBearer(token: string | null): void {
  if (token === bearer) return;
  bearer = token;
  if (socket) {
    drop('identity changed');
    open();
  }
}

/** Closes the current socket on purpose: forgotten at once, its calls failed, nothing reconnects for it. */
function drop(reason: string) {
  const ws = socket;
  if (!ws) return;
  socket = null;
  failPending();
  setStatus('offline');
  ws.close(1000, reason);
}

function failPending() {
  pending.forEach((p) => p.reject(new ApiError({ status: 0, detail: 'connection lost' })));
  pending.clear();
}

export function setSignedOutHandler(h: () => void): void {
  onSignedOut = h;
}

function setStatus(s: Status) {
  status = s;
  listeners.forEach((l) => l(s));
}

export function watchStatus(l: (s: Status) => void): () => void {
  listeners.add(l);
  l(status);
  return () => listeners.delete(l);
}

function url(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

function open() {
  if (socket || subs.size === 0) return;
  setStatus('connecting');
  const ws = new WebSocket(url(), bearer ? ['telehub.v1', `bearer.${bearer}`] : ['telehub.v1']);
  socket = ws;
  ws.onmessage = (m) => {
    if (socket !== ws) return;
    let f: Frame;
    try { f = JSON.parse(String(m.data)) as Frame; } catch { return; }
    if (f.type === 'welcome') {
      attempt = 0;
      setStatus('live');
      subs.forEach((s) => subscribe(s));
    } else if (f.type === 'ack' || (f.type === 'error' && f.re)) {
      const p = f.re ? pending.get(f.re) : undefined;
      if (!p) return;
      pending.delete(f.re!);
      if (f.type === 'ack') p.resolve(f.data ?? {});
      else p.reject(new ApiError(f.error as ConstructorParameters<typeof ApiError>[0]));
    } else if (f.type !== 'pong' && f.type !== 'error') {
      subs.forEach((s) => { if (s.types.includes(f.type)) s.onEvent(f.type, f.data ?? {}); });
    }
  };
  ws.onclose = (e) => {
    if (socket !== ws) return; // closed on purpose (drop), perhaps already replaced: nothing to do for it
    socket = null;
    failPending();
    setStatus('offline');
    if (e.code === 4401) { onSignedOut(); return; }
    if (subs.size === 0) return;
    // 1 s, 2 s, 4 s … at most 30 s, with jitter so that a restarted hub is not met by every tab at once
    const pause = Math.min(30_000, 1000 * 2 ** attempt++) * (0.75 + Math.random() / 2);
    setTimeout(open, pause);
  };
}

function subscribe(s: Subscription) {
  const { type, data } = s.frame();
  call(type, data).then((d) => s.onAck?.(d), (e) => { if (e instanceof ApiError && e.status !== 0) s.onError?.(e); });
}

/** Sends a frame; resolves with its ack's data, rejects with the error frame as an ApiError (status 0: no socket). */
export function call(type: string, data: Json): Promise<Json> {
  if (!socket || status !== 'live') return Promise.reject(new ApiError({ status: 0, detail: 'not connected' }));
  const id = `c${++counter}`;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    socket!.send(JSON.stringify({ v: 1, id, type, data }));
  });
}

/** Follows something over the socket for as long as the returned function is not called. */
export function follow(s: Subscription): () => void {
  if (idleClose) {
    clearTimeout(idleClose);
    idleClose = null;
  }
  subs.add(s);
  if (socket && status === 'live') subscribe(s);
  else open();
  return () => {
    subs.delete(s);
    if (subs.size === 0 && socket && !idleClose) {
      idleClose = setTimeout(() => {
        idleClose = null;
        if (subs.size === 0) drop('nothing followed');
      }, IDLE_CLOSE_MS);
    }
  };
}
