import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import SlotChooser from './desk/SlotChooser';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must } from '../api/client';
import { Link, useSearchParams } from 'react-router';
import { type Profile, SpecialityNames, useSpecialities, Rating, Fees, listOf, useInsurers, planName, Covered, NextSlot } from './directory/common';
import { registerDraft, takeDraft } from '../drafts';
import { pictureUrl } from './directory/pictures';
import { browserTimeZone, formatDate, formatTime, type Lang } from '../format';
import { useCalendar } from '../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../ui';
import { freeSlots } from './desk/slots';

// the month calendar is its own chunk, loaded when a doctor is chosen

type Slot = { start?: string; end?: string };

export default function FindDoctor() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const [doctors, setDoctors] = useState<Profile[] | null>(null);
  const [more, setMore] = useState(false);
  const [q, setQ] = useState('');
  const [speciality, setSpeciality] = useState('');
  const [language, setLanguage] = useState('');
  const [minRating, setMinRating] = useState('');
  const [planId, setPlanId] = useState('');
  const [within, setWithin] = useState('');
  const specialities = useSpecialities();
  const insurers = useInsurers();
  const [doctor, setDoctor] = useState<{ id: string; displayName: string; profile?: Profile } | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slot, setSlot] = useState<string>('');
  const [day, setDay] = useState<string | null>(null); // null: the soonest free times
  const [clinic, setClinic] = useState(''); // '': any of the doctor's clinics
  const draft = useMemo(() => takeDraft('booking'), []);
  const [complaint, setComplaint] = useState(draft?.complaint ?? '');
  const [notes, setNotes] = useState(draft?.notes ?? '');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  // "Book a visit" on a doctor's profile comes here with ?doctor=<id>: that doctor's free times at once
  const [params] = useSearchParams();
  const preselected = params.get('doctor');
  useEffect(() => {
    if (!preselected) return;
    api.GET('/directory/doctors/{id}', { params: { path: { id: preselected } } })
      .then((r) => { const p = must(r); return pick({ id: p.doctorId!, displayName: p.displayName!, profile: p }); })
      .catch(setError);
  }, [preselected]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => registerDraft('booking', () => ({ complaint, notes })), [complaint, notes]);
  // the directory's search (indexed on the server, Persian spellings normalised there), a moment after typing stops
  // answers can arrive out of order (a weak connection): only the latest search's answer is shown
  const latest = useRef(0);
  async function search(offset: number) {
    const mine = ++latest.current;
    const r = must(await api.GET('/directory/doctors', { params: { query: {
      q: q || undefined, speciality: speciality || undefined, language: language || undefined,
      minRating: minRating ? Number(minRating) : undefined, planId: planId || undefined,
      // "free within n days": the hub keeps each doctor's next free slot, so this is a filter on a column
      freeBefore: within ? new Date(Date.now() + Number(within) * 86_400_000).toISOString() : undefined,
      offset, limit: 20 } } }));
    if (mine !== latest.current) return;
    setDoctors((old) => (offset === 0 ? r.items ?? [] : [...(old ?? []), ...(r.items ?? [])]));
    setMore(!!r.more);
  }
  useEffect(() => {
    const timer = setTimeout(() => { search(0).catch(setError); }, q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [q, speciality, language, minRating, planId, within]); // eslint-disable-line react-hooks/exhaustive-deps

  const slotsAsked = useRef(0);
  async function pick(d: { id: string; displayName: string; profile?: Profile }, chosenDay: string | null = null,
    chosenClinic = '') {
    setDoctor(d);
    setDay(chosenDay);
    setClinic(chosenClinic);
    setSlots(null);
    setSlot('');
    setDone(false);
    const mine = ++slotsAsked.current; // a weak connection: only the latest choice's answer is shown
    try {
      const free = await freeSlots(d.id!, chosenDay, zone, chosenClinic);
      if (mine === slotsAsked.current) setSlots(free);
    } catch (e) {
      setError(e);
    }
  }

  // a doctor of several clinics: the patient may choose where; each free time says where it is
  const clinicsOf = (d: { profile?: Profile }) => (d.profile?.clinics ?? []).filter((c) => c.id && c.name) as { id: string; name: string }[];

  async function book(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.POST('/encounters', {
        body: { type: 'video', doctorId: doctor!.id, scheduledStart: slot, chiefComplaint: complaint, patientNotes: notes,
          clinicId: clinic || undefined },
      });
      setDone(true);
      setComplaint('');
      setNotes('');
      setSlot('');
      await pick(doctor!, day, clinic);
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }


  return (
    <section aria-labelledby="find-title">
      <h1 id="find-title">{t('find.title')}</h1>
      <div className="filters directory-filters">
        <label>{t('directory.search')}
          <input type="search" name="q" dir="auto" value={q} placeholder={t('directory.searchHint')} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>{t('find.speciality')}
          <select name="speciality" value={speciality} onChange={(e) => setSpeciality(e.target.value)}>
            <option value="">{t('find.any')}</option>
            {(specialities ?? []).map((s) => <option key={s.code} value={s.code}>{SpecialityNames.name(s, lang)}</option>)}
          </select>
        </label>
        <label>{t('directory.language')}
          <select name="language" value={language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="">{t('find.any')}</option>
            {['en', 'fa', 'ru', 'ar', 'de', 'fr', 'tr'].map((l) => <option key={l} value={l}>{t(`directory.languages.${l}`)}</option>)}
          </select>
        </label>
        <label>{t('directory.minRating')}
          <select name="minRating" value={minRating} onChange={(e) => setMinRating(e.target.value)}>
            <option value="">{t('directory.anyRating')}</option>
            {[4, 3, 2].map((n) => <option key={n} value={n}>{t('directory.stars', { n })}</option>)}
          </select>
        </label>
        <label>{t('directory.insurance.plan')}
          <select name="plan" value={planId} onChange={(e) => setPlanId(e.target.value)}>
            <option value="">{t('directory.insurance.anyPlan')}</option>
            {(insurers ?? []).flatMap((i) => (i.plans ?? []).map((p) => (
              <option key={p.id} value={p.id}>{planName({ insurer: i.name, name: p.name })}</option>)))}
          </select>
        </label>
        <label>{t('directory.slots.freeWithin')}
          <select name="within" value={within} onChange={(e) => setWithin(e.target.value)}>
            <option value="">{t('directory.slots.anyTime')}</option>
            <option value="1">{t('directory.slots.day')}</option>
            {[3, 7].map((n) => <option key={n} value={n}>{t('directory.slots.days', { n })}</option>)}
          </select>
        </label>
      </div>
      {doctors === null && !error && <p>{t('loading')}</p>}
      {doctors && doctors.length === 0 && <p>{t('find.noDoctors')}</p>}
      <ul className="doctors">
        {(doctors ?? []).map((d) => (
          <li key={d.doctorId} className="card">
            <h2>{d.photo && <img className="avatar" src={pictureUrl('photo', d.doctorId!, d.photo)} alt="" />}{d.displayName}</h2>
            <p>{[SpecialityNames.of(d, specialities, lang), listOf((d.clinics ?? []).map((c) => c.name!), lang)].filter(Boolean).join(' · ')}</p>
            <p><Rating profile={d} /></p>
            <p><NextSlot profile={d} /> <Covered profile={d} /></p>
            <Fees profile={d} />
            <div className="actions">
              <Button variant="secondary" onPress={() => pick({ id: d.doctorId!, displayName: d.displayName!, profile: d })} aria-label={`${t('find.choose')}: ${d.displayName}`}>{t('find.choose')}</Button>
              <Link to={`/doctors/${d.doctorId}`} aria-label={`${t('directory.profile')}: ${d.displayName}`}>{t('directory.profile')}</Link>
            </div>
          </li>
        ))}
      </ul>
      {more && <Button variant="secondary" onPress={() => { search((doctors ?? []).length).catch(setError); }}>{t('directory.more')}</Button>}
      {doctor && (
        <div className="card">
          <h2>{t('find.slotsFor', { name: doctor.displayName })}</h2>
          <p>{t('find.yourZone', { zone })}</p>
          {doctor.profile && <p><Covered profile={doctor.profile} /></p>}
          {clinicsOf(doctor).length > 1 && (
            <label className="field">{t('find.clinic')}
              <select name="clinic" value={clinic} onChange={(e) => pick(doctor, day, e.target.value)}>
                <option value="">{t('find.anyClinic')}</option>
                {clinicsOf(doctor).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            </label>
          )}
          <SlotChooser slots={slots} day={day} onDay={(d) => pick(doctor, d, clinic)} slot={slot} onSlot={setSlot} zone={zone}
            noneSoon={t('find.noSlots')}
            clinicName={clinicsOf(doctor).length > 1 && !clinic ? (id) => clinicsOf(doctor).find((c) => c.id === id)?.name : undefined} />
          {slot && (
            <Form onSubmit={book} validationBehavior="aria">
              <Notice>{t('find.selected', { time: `${formatDate(slot, lang, calendar, zone)} ${formatTime(slot, lang, zone)}` })}</Notice>
              <Field label={t('find.complaint')} name="complaint" value={complaint} onChange={setComplaint} error={fieldError(error, 'chiefComplaint')} />
              <Field label={t('find.notes')} name="notes" value={notes} onChange={setNotes} multiline error={fieldError(error, 'patientNotes')} />
              <Button type="submit">{t('find.book')}</Button>
            </Form>
          )}
        </div>
      )}
      <ErrorNote error={error} />
      {done && <Notice>{t('find.booked')}</Notice>}
    </section>
  );
}
