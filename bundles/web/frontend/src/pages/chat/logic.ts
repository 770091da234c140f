/** A file posted in a conversation; scan: clean (can be opened), pending (waits for the virus scan), infected. */
export interface Attachment {
  id: string; conversationId: string; name: string; contentType: string; size: number; sha256: string;
  scan: 'clean' | 'pending' | 'infected'; uploadedBy: string; createdAt: string;
}

/** A message as the hub stores it (REST and socket alike). */
export interface ChatMessage {
  id: string; conversationId: string; sequence: number; sender: string; senderName: string; clientId: string;
  text: string; sentAt: string; attachment?: Attachment | null;
}

/**
 * A message of ours not yet acknowledged: shown as sending, sent again with the same clientId after a reconnect.
 * A file's message carries the attachment it was uploaded as.
 */
export interface Outgoing { clientId: string; text: string; attachment?: Attachment; failed?: string }

/** How far a member has read: the sequence of the last message they have seen. */
export interface Read { reader: string; readerName: string; sequence: number }

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

/** Keeps the newest marker per reader. */
export function mergeReads(reads: Read[], arrived: Read[]): Read[] {
  const by = new Map(reads.map((r) => [r.reader, r]));
  for (const r of arrived) {
    const had = by.get(r.reader);
    if (!had || had.sequence < r.sequence) by.set(r.reader, r);
  }
  return [...by.values()];
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
