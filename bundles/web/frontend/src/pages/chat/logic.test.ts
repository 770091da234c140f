import { describe, expect, it } from 'vitest';
import { applyChange, changeable, type ChatMessage, deliveredUpTo, fileSize, lastContiguous, lastSeenOwn, merge, mergeReads, newClientId, seenUpTo, stillOutgoing } from './logic';

const m = (sequence: number, sender = 'amy', clientId = `c${sequence}`): ChatMessage => ({
  id: `id${sequence}`, conversationId: 'k', sequence, sender, senderName: sender, clientId, text: `t${sequence}`,
  sentAt: '2026-12-03T10:00:00Z',
});

describe('chat logic', () => {
  it('keeps each message once, in sequence order, whatever the arrival', () => {
    const shown = merge(merge([m(1), m(3)], [m(2), m(3)]), [m(1)]);
    expect(shown.map((x) => x.sequence)).toEqual([1, 2, 3]);
  });
  it('resumes from the last message with none missing before it', () => {
    expect(lastContiguous([m(1), m(2), m(4)])).toBe(2);
    expect(lastContiguous([])).toBe(0);
    expect(lastContiguous([m(6), m(7)], 5)).toBe(7);
  });
  it('drops outgoing messages once the conversation shows them', () => {
    const out = [{ clientId: 'c2', text: 'a' }, { clientId: 'c9', text: 'b' }];
    expect(stillOutgoing(out, [m(2, 'amy')], 'amy')).toEqual([{ clientId: 'c9', text: 'b' }]);
    expect(stillOutgoing(out, [m(2, 'rory')], 'amy')).toHaveLength(2);
  });
  it('makes client ids the hub accepts', () => {
    expect(newClientId()).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });
  it('marks "Seen" on my last message the others have read, markers only moving forward', () => {
    const reads = mergeReads([{ reader: 'amy', readerName: 'Amy', sequence: 3 }, { reader: 'doc', readerName: 'Doc', sequence: 2 }],
      [{ reader: 'doc', readerName: 'Doc', sequence: 1 }, { reader: 'doc', readerName: 'Doc', sequence: 4 }]);
    expect(reads.map((r) => `${r.reader}@${r.sequence}`).sort()).toEqual(['amy@3', 'doc@4']);
    expect(seenUpTo(reads, 'amy')).toBe(4); // my own marker does not count
    const shown = [m(1, 'amy'), m(2, 'doc'), m(3, 'amy'), m(5, 'amy')];
    expect(lastSeenOwn(shown, 'amy', seenUpTo(reads, 'amy'))).toBe(3);
    expect(lastSeenOwn(shown, 'amy', 0)).toBe(0);
  });

  it('says a file\'s size in the unit people read', () => {
    expect([fileSize(532), fileSize(49_152), fileSize(3_565_158)]).toEqual(['532 B', '48 KB', '3.4 MB']);
  });
});

describe('changes of messages', () => {
  const msg = (sequence: number, text: string, sender = 'amy'): ChatMessage => ({ id: `id-${sequence}`, conversationId: 'c',
    sequence, sender, senderName: sender, clientId: `k${sequence}`, text, sentAt: '2026-12-03T10:00:00Z' });
  it('replaces a shown message with a newer change only, and leaves one not shown yet', () => {
    const revisions = new Map<string, number>();
    let shown = [msg(1, 'teh'), msg(2, 'hello')];
    shown = applyChange(shown, revisions, { ...msg(1, 'the'), editedAt: '2026-12-03T10:01:00Z' }, 2);
    expect(shown[0].text).toBe('the');
    // an older change arriving late (a catch-up read before the newer one committed) is dropped
    shown = applyChange(shown, revisions, msg(1, 'teh?'), 1);
    expect(shown[0].text).toBe('the');
    shown = applyChange(shown, revisions, { ...msg(1, ''), retractedAt: '2026-12-03T10:02:00Z' }, 3);
    expect(shown[0].retractedAt).toBeTruthy();
    expect(applyChange(shown, revisions, msg(9, 'not here'), 4)).toBe(shown);
    expect(shown.map((m) => m.sequence)).toEqual([1, 2]);
  });
  it('lets me change my own message while it is recent and not retracted', () => {
    const now = Date.parse('2026-12-03T10:30:00Z');
    expect(changeable(msg(1, 'x'), 'amy', 60, now)).toBe(true);
    expect(changeable(msg(1, 'x'), 'amy', 20, now)).toBe(false);
    expect(changeable(msg(1, 'x', 'doc'), 'amy', 60, now)).toBe(false);
    expect(changeable({ ...msg(1, ''), retractedAt: '2026-12-03T10:10:00Z' }, 'amy', 60, now)).toBe(false);
    expect(changeable(msg(1, 'x'), 'amy', 0, now)).toBe(false);
  });
});

describe('delivery receipts', () => {
  it('keeps each reader\'s read and delivered marks at their highest, delivered never below read', () => {
    let reads = mergeReads([], [{ reader: 'doc', readerName: 'Doc', sequence: 0, delivered: 4 }]);
    reads = mergeReads(reads, [{ reader: 'doc', readerName: 'Doc', sequence: 2, delivered: 2 }]); // a read, late
    expect(reads).toEqual([{ reader: 'doc', readerName: 'Doc', sequence: 2, delivered: 4 }]);
    reads = mergeReads(reads, [{ reader: 'doc', readerName: 'Doc', sequence: 6 }]);
    expect(reads[0].delivered).toBe(6);
    expect(deliveredUpTo([...reads, { reader: 'amy', readerName: 'Amy', sequence: 9, delivered: 9 }], 'amy')).toBe(6);
    expect(deliveredUpTo([], 'amy')).toBe(0);
  });
});

