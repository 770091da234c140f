/** A file posted in a conversation; scan: clean (can be opened), pending (waits for the virus scan), infected. */
export interface Attachment {
  id: string; conversationId: string; name: string; contentType: string; size: number; sha256: string;
  scan: 'clean' | 'pending' | 'infected'; uploadedBy: string; createdAt: string;
}

/** A message as the hub stores it (REST and socket alike). */
export interface ChatMessage {
  id: string; conversationId: string; sequence: number; sender: string; senderName: string; clientId: string;
  text: string; sentAt: string; attachment?: Attachment | null;
  /** When its sender last changed its text; when they retracted it (its text is then empty, its file gone). */
  editedAt?: string | null; retractedAt?: string | null;
}

/**
 * A message of ours not yet acknowledged: shown as sending, sent again with the same clientId after a reconnect.
 * A file's message carries the attachment it was uploaded as.
 */
export interface Outgoing { clientId: string; text: string; attachment?: Attachment; failed?: string }

/** How far a member has read (the last message they have seen) and received (delivered: never below it). */
export interface Read { reader: string; readerName: string; sequence: number; delivered?: number }

/** How far the others (not me) have read: the highest marker among them, 0 if none. */
export function seenUpTo(reads: Read[], me: string): number {
  return reads.filter((r) => r.reader !== me).reduce((max, r) => Math.max(max, r.sequence), 0);
}

/** The sequence of my last message the others have seen (the one to mark "Seen"), or 0. */
export function lastSeenOwn(shown: ChatMessage[], me: string, seen: number): number {
  let last = 0;
  for (const m of shown) if (m.sender === me && m.sequence <= seen) last = m.sequence;
  return last;
}

/** Keeps the newest read and delivered marks per reader (each moves forward only, and may arrive out of order). */
export function mergeReads(reads: Read[], arrived: Read[]): Read[] {
  const by = new Map(reads.map((r) => [r.reader, r]));
  for (const r of arrived) {
    const had = by.get(r.reader);
    const sequence = Math.max(had?.sequence ?? 0, r.sequence);
    const delivered = Math.max(had?.delivered ?? 0, r.delivered ?? 0, sequence);
    by.set(r.reader, { ...(had ?? r), ...r, sequence, delivered });
  }
  return [...by.values()];
}

/** How far the others' devices have received: the highest delivered (or read) mark among them, 0 if none. */
export function deliveredUpTo(reads: Read[], me: string): number {
  return reads.filter((r) => r.reader !== me).reduce((max, r) => Math.max(max, r.delivered ?? 0, r.sequence), 0);
}

/** A size for people: 532 B, 48 KB, 3.4 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The conversation in sequence order with each message once, whatever order and how often they arrived. */
export function merge(shown: ChatMessage[], arrived: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map(shown.map((m) => [m.sequence, m]));
  for (const m of arrived) bySeq.set(m.sequence, m);
  return [...bySeq.values()].sort((a, b) => a.sequence - b.sequence);
}

/** The highest sequence with every one before it shown: where to resume from. */
export function lastContiguous(shown: ChatMessage[], from = 0): number {
  let last = from;
  for (const m of shown) {
    if (m.sequence === last + 1) last = m.sequence;
    else if (m.sequence > last + 1) break;
  }
  return last;
}

/** Our outgoing messages that the conversation does not show yet (by our clientId). */
export function stillOutgoing(out: Outgoing[], shown: ChatMessage[], me: string): Outgoing[] {
  const done = new Set(shown.filter((m) => m.sender === me).map((m) => m.clientId));
  return out.filter((o) => !done.has(o.clientId));
}

/** A fresh client id for a message (letters, digits and '-': what the hub accepts). */
export function newClientId(): string {
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * A message's change (edit, retraction) applied to what is shown: it replaces the shown message when its revision is
 * newer than the last one applied to that message (`revisions`, updated); a change of a message not shown yet is left
 * (the message comes in its current state), and an older change that arrives late is dropped.
 */
export function applyChange(shown: ChatMessage[], revisions: Map<string, number>, m: ChatMessage,
  revision: number): ChatMessage[] {
  if ((revisions.get(m.id) ?? 0) >= revision) return shown;
  const i = shown.findIndex((x) => x.id === m.id);
  if (i < 0) return shown;
  revisions.set(m.id, revision);
  const next = shown.slice();
  next[i] = m;
  return next;
}

/** Whether I may still change my message: mine, not retracted, sent less than `minutes` ago. */
export function changeable(m: ChatMessage, me: string, minutes: number, now = Date.now()): boolean {
  return m.sender === me && !m.retractedAt && minutes > 0 && now - Date.parse(m.sentAt) < minutes * 60_000;
}
