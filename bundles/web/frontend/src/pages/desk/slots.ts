import { parseDate } from '@internationalized/date';
import { api, must } from '../../api/client';

/** A free slot; `clinicIds`: the clinics it may be booked at (none: hours at no clinic in particular). */
export type Slot = { start?: string; end?: string; clinicIds?: string[] };

/**
 * A doctor's free slots: of one day in the reader's zone when a day is chosen (midnight to midnight there), else the
 * next two weeks' (the soonest times first); at one clinic when `clinicId` is given.
 */
export async function freeSlots(doctorId: string, day: string | null, zone: string, clinicId?: string): Promise<Slot[]> {
  const { from, to } = slotRange(day, zone, new Date());
  const r = await api.GET('/doctors/{id}/slots', {
    params: { path: { id: doctorId }, query: { from: from.toISOString(), to: to.toISOString(), clinicId: clinicId || undefined } },
  });
  return must(r).slots ?? [];
}

/** The period whose free slots are asked for: the chosen day in the zone (from now on, if it is today), else two weeks. */
export function slotRange(day: string | null, zone: string, now: Date): { from: Date; to: Date } {
  if (!day) return { from: now, to: new Date(now.getTime() + 14 * 86400_000) };
  const d = parseDate(day);
  const from = d.toDate(zone);
  return { from: from < now ? now : from, to: d.add({ days: 1 }).toDate(zone) };
}
