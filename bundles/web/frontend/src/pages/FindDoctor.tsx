import { useEffect, useMemo, useState, type FormEvent } from 'react';
import SlotChooser from './desk/SlotChooser';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must } from '../api/client';
import type { Doctor } from '../auth';
import { registerDraft, takeDraft } from '../drafts';
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
  const [doctors, setDoctors] = useState<Doctor[] | null>(null);
  const [speciality, setSpeciality] = useState('');
  const [clinic, setClinic] = useState('');
  const [doctor, setDoctor] = useState<Doctor | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slot, setSlot] = useState<string>('');
  const [day, setDay] = useState<string | null>(null); // null: the soonest free times
  const draft = useMemo(() => takeDraft('booking'), []);
  const [complaint, setComplaint] = useState(draft?.complaint ?? '');
  const [notes, setNotes] = useState(draft?.notes ?? '');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  useEffect(() => registerDraft('booking', () => ({ complaint, notes })), [complaint, notes]);
  useEffect(() => {
    api.GET('/doctors').then((r) => setDoctors(must(r))).catch(setError);
  }, []);

  const specialities = [...new Set((doctors ?? []).map((d) => d.speciality).filter(Boolean))] as string[];
  const clinics = [...new Set((doctors ?? []).map((d) => d.clinic).filter(Boolean))] as string[];
  const shown = (doctors ?? []).filter((d) => (!speciality || d.speciality === speciality) && (!clinic || d.clinic === clinic));

  async function pick(d: Doctor, chosenDay: string | null = null) {
    setDoctor(d);
    setDay(chosenDay);
    setSlots(null);
    setSlot('');
    setDone(false);
    try {
      setSlots(await freeSlots(d.id!, chosenDay, zone));
    } catch (e) {
      setError(e);
    }
  }

  async function book(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.POST('/encounters', {
        body: { type: 'video', doctorId: doctor!.id, scheduledStart: slot, chiefComplaint: complaint, patientNotes: notes },
      });
      setDone(true);
      setComplaint('');
      setNotes('');
      setSlot('');
      await pick(doctor!, day);
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }


  return (
    <section aria-labelledby="find-title">
      <h1 id="find-title">{t('find.title')}</h1>
      <div className="filters">
        <label>{t('find.speciality')}
          <select name="speciality" value={speciality} onChange={(e) => setSpeciality(e.target.value)}>
            <option value="">{t('find.any')}</option>
            {specialities.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>{t('find.clinic')}
          <select name="clinic" value={clinic} onChange={(e) => setClinic(e.target.value)}>
            <option value="">{t('find.any')}</option>
            {clinics.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      </div>
      {doctors === null && !error && <p>{t('loading')}</p>}
      {doctors && shown.length === 0 && <p>{t('find.noDoctors')}</p>}
      <ul className="doctors">
        {shown.map((d) => (
          <li key={d.id} className="card">
            <h2>{d.displayName}</h2>
            <p>{[d.speciality, d.clinic].filter(Boolean).join(' · ')}</p>
            <Button variant="secondary" onPress={() => pick(d)} aria-label={`${t('find.choose')}: ${d.displayName}`}>{t('find.choose')}</Button>
          </li>
        ))}
      </ul>
      {doctor && (
        <div className="card">
          <h2>{t('find.slotsFor', { name: doctor.displayName })}</h2>
          <p>{t('find.yourZone', { zone })}</p>
          <SlotChooser slots={slots} day={day} onDay={(d) => pick(doctor, d)} slot={slot} onSlot={setSlot} zone={zone}
            noneSoon={t('find.noSlots')} />
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
