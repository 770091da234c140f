import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, listOf, type Lang } from '../../format';
import { useCalendar } from '../../prefs';

export type Profile = Schemas['Profile'];
export type Speciality = Schemas['Speciality'];

/** The coded list of specialities, fetched once per page. */
export function useSpecialities(): Speciality[] | null {
  const [list, setList] = useState<Speciality[] | null>(null);
  useEffect(() => {
    api.GET('/directory/specialities').then((r) => setList(must(r))).catch(() => setList([]));
  }, []);
  return list;
}

/**
 * Items joined with the reader's comma ("a, b"; Persian "a، b"). Not Intl.ListFormat: its "unit" lists join Russian
 * with bare spaces and Persian with "and" in ICU's data here.
 */
export { listOf };

export const SpecialityNames = {
  /** A speciality's name in the reader's language, English where that one is missing. */
  name(s: Speciality, lang: Lang): string {
    return (lang === 'fa' ? s.nameFa : lang === 'ru' ? s.nameRu : s.nameEn) || s.nameEn || s.code || '';
  },
  /** A doctor's specialities by name; the free-text one of a doctor who has chosen none. */
  of(p: Profile, list: Speciality[] | null, lang: Lang): string {
    const coded = (p.specialities ?? []).map((c) => {
      const s = (list ?? []).find((x) => x.code === c);
      return s ? SpecialityNames.name(s, lang) : c;
    });
    return coded.length ? listOf(coded, lang) : p.legacySpeciality ?? '';
  },
};

export function Rating({ profile }: { profile: Profile }) {
  const { t, i18n } = useTranslation();
  if (!profile.ratingCount) return <span className="rating">{t('directory.noRating')}</span>;
  const n = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  return (
    <span className="rating"><span aria-hidden="true">★ </span>
      {t('directory.rating', { rating: n.format(profile.rating ?? 0), count: n.format(profile.ratingCount) })}</span>
  );
}

/** The visit types a doctor offers, with fees where said, in the reader's digits. */
export function Fees({ profile }: { profile: Profile }) {
  const { t, i18n } = useTranslation();
  const types = profile.visitTypes ?? [];
  if (!types.length) return null;
  return (
    <ul className="fees">
      {types.map((v) => {
        const type = t(`directory.types.${v.type}`, { defaultValue: v.type });
        return (
          <li key={v.type}>{v.fee == null ? t('directory.feeNone', { type })
            : t('directory.fee', { type, fee: new Intl.NumberFormat(i18n.language).format(Number(v.fee)), currency: v.currency })}</li>
        );
      })}
    </ul>
  );
}

export type Insurer = Schemas['Insurer'];
export type PlanRef = Schemas['PlanRef'];

/** The insurers and their plans, fetched once per page. */
export function useInsurers(): Insurer[] | null {
  const [list, setList] = useState<Insurer[] | null>(null);
  useEffect(() => {
    api.GET('/directory/insurers').then((r) => setList(must(r))).catch(() => setList([]));
  }, []);
  return list;
}

/** "Insurer · plan" in the reader's order. */
export function planName(p: { insurer?: string; name?: string }): string {
  return `${p.insurer ?? ''} · ${p.name ?? ''}`;
}

/** Whether the signed-in patient's valid insurance is accepted (nothing when they have none on file). */
export function Covered({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  if (profile.covered == null) return null;
  return profile.covered
    ? <span className="badge covered">{t('directory.insurance.covered')}</span>
    : <span className="badge not-covered">{t('directory.insurance.notCovered')}</span>;
}

/** The doctor's next free slot (kept by the hub from bookings and cancellations), in the reader's calendar and zone. */
export function NextSlot({ profile }: { profile: Profile }) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const lang = i18n.language as Lang;
  if (!profile.nextFreeSlot) return <span className="next-slot muted">{t('directory.slots.noneSoon')}</span>;
  const at = profile.nextFreeSlot;
  return <span className="next-slot">{t('directory.slots.next', { time: formatDateTime(at, lang, calendar) })}</span>;
}
