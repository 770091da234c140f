import { parseDate } from '@internationalized/date';
import { api, must } from '../../api/client';

export type Slot = { start?: string; end?: string };

/**
 * A doctor's free slots: of one day in the reader's zone when a day is chosen (midnight to midnight there), else the
 * next two weeks' (the soonest times first).
 */
export async function freeSlots(doctorId: string, day: string | null, zone: string): Promise<Slot[]> {
  let from: Date;
  let to: Date;
  if (day) {
    const d = parseDate(day);
    from = d.toDate(zone);
    to = d.add({ days: 1 }).toDate(zone);
    const now = new Date();
    if (from < now) from = now; // today: from now on
  } else {
    from = new Date();
    to = new Date(from.getTime() + 14 * 86400_000);
  }
  const r = await api.GET('/doctors/{id}/slots', {
    params: { path: { id: doctorId }, query: { from: from.toISOString(), to: to.toISOString() } },
  });
  return must(r).slots ?? [];
}
