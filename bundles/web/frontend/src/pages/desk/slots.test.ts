import { describe, expect, it } from 'vitest';
import { slotRange } from './slots';

describe('the day picker\'s period of free slots', () => {
  const now = new Date('2026-12-02T21:00:00Z');
  it('is the chosen day from midnight to midnight in the reader\'s zone', () => {
    const r = slotRange('2026-12-05', 'Asia/Tehran', now); // UTC+03:30
    expect(r.from.toISOString()).toBe('2026-12-04T20:30:00.000Z');
    expect(r.to.toISOString()).toBe('2026-12-05T20:30:00.000Z');
  });
  it('follows a daylight-saving change: 23 hours on the day clocks go forward', () => {
    const r = slotRange('2027-03-28', 'Europe/Berlin', now);
    expect(r.from.toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(r.to.toISOString()).toBe('2027-03-28T22:00:00.000Z');
  });
  it('starts now on today, and is the next two weeks without a chosen day', () => {
    expect(slotRange('2026-12-03', 'Asia/Tehran', now).from).toEqual(now); // 00:30 on the 3rd in Tehran
    const soon = slotRange(null, 'Asia/Tehran', now);
    expect(soon.to.getTime() - soon.from.getTime()).toBe(14 * 86400_000);
  });
});
