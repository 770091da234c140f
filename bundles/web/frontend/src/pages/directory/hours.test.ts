import { describe, expect, it } from 'vitest';
import { formatDay, parseDay, weekdayName } from './hours';

describe('opening hours as typed', () => {
  it('reads ranges with any dash, Persian digits and commas', () => {
    expect(parseDay('8:00-12:30, 14:00 – 18:00')).toEqual([{ start: '08:00', end: '12:30' }, { start: '14:00', end: '18:00' }]);
    expect(parseDay('۰۸:۰۰-۱۲:۳۰، ۱۶:۰۰-۲۰:۰۰')).toEqual([{ start: '08:00', end: '12:30' }, { start: '16:00', end: '20:00' }]);
    expect(parseDay('  ')).toEqual([]);
  });
  it('sends what it cannot read as a start, for the hub to name at its field', () => {
    expect(parseDay('mornings')).toEqual([{ start: 'mornings', end: '' }]);
  });
  it('writes the ranges back and names weekdays in the reader’s language', () => {
    expect(formatDay([{ start: '08:00', end: '12:30' }, { start: '14:00', end: '18:00' }])).toBe('08:00-12:30, 14:00-18:00');
    expect(weekdayName('monday', 'en')).toBe('Monday');
    expect(weekdayName('saturday', 'fa')).toBe('شنبه');
  });
});
