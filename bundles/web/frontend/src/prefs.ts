import { useSyncExternalStore } from 'react';
import { type CalendarChoice, type Lang, defaultCalendar } from './format';

// The calendar choice (Gregorian or Jalali), remembered per language.
const listeners = new Set<() => void>();
const key = (lang: string) => `telehub.calendar.${lang}`;
let currentLang: Lang = 'en';

export function setPrefsLang(lang: Lang) {
  currentLang = lang;
  listeners.forEach((l) => l());
}

export function getCalendar(lang: Lang = currentLang): CalendarChoice {
  const v = localStorage.getItem(key(lang));
  return v === 'persian' || v === 'gregory' ? v : defaultCalendar(lang);
}

export function setCalendar(c: CalendarChoice) {
  localStorage.setItem(key(currentLang), c);
  listeners.forEach((l) => l());
}

export function useCalendar(): CalendarChoice {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => getCalendar(), () => getCalendar());
}
