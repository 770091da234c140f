/** A message as the hub stores it (REST and socket alike). */
export interface ChatMessage {
  id: string; conversationId: string; sequence: number; sender: string; senderName: string; clientId: string;
  text: string; sentAt: string;
}

/** A message of ours not yet acknowledged: shown as sending, sent again with the same clientId after a reconnect. */
export interface Outgoing { clientId: string; text: string; failed?: string }

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
