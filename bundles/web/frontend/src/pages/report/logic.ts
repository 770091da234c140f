// The report editor's data and the little it works out itself (kept apart from the page so it is unit-tested).

export interface Diagnosis { system: string; code: string; display?: string; primary: boolean }
export interface Medication {
  medicineId?: string; name: string; dose?: string; route?: string; frequency?: string; duration?: string;
  quantity?: number; refills?: number; instructions?: string;
}
export interface Order { kind: 'lab' | 'imaging'; code?: string; text: string }
export interface Content {
  language: string; subjective?: string; objective?: string; assessment?: string; plan?: string;
  diagnoses: Diagnosis[]; medications: Medication[]; orders: Order[]; followUp?: { days?: number; note?: string };
}

/** What a report's lists are when it has none yet (the API leaves empty lists out of nothing). */
export function emptyContent(): Content {
  return { language: 'en', diagnoses: [], medications: [], orders: [] };
}

/** The list with the item at {@code from} moved to {@code to}, the rest in order. */
export function moveTo<T>(list: T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** The statuses the doctor's list filters by, in the order a doctor works through them. */
export const WORKLIST = ['draft', 'approved', 'signed'] as const;
