import { useEffect, useState, type FormEvent } from 'react';
import SlotChooser from './SlotChooser';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';
import { type Doctor, type Encounter, useAuth } from '../../auth';
import { browserTimeZone, formatDate, formatTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import { freeSlots, type Slot } from './slots';
import './desk.css';
import DateInput from './DateInput';


type Patient = Schemas['PatientView'];
type Participant = { kind: string; displayName: string; email: string; username: string };

/**
 * Front desk and nurses book for a patient. Finding the patient follows the care rules of the API: anyone at the
 * desk finds one patient by exact name and birth date (front desk pages nobody); a nurse also sees the patients of
 * their care team. A new patient is registered here. The booking takes the doctor, the kind of visit, a free slot,
 * the complaint and who else takes part; its join links are shown as the API returns them to this role.
 */
export default function Desk() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const nurse = !!session?.user.roles.includes('nurse');
  const [patient, setPatient] = useState<Patient | null>(null);
  return (
    <section aria-labelledby="desk-title">
      <h1 id="desk-title">{t('desk.title')}</h1>
      {patient ? (
        <div className="card">
          <h2>{t('desk.patientChosen', { name: patient.displayName })}</h2>
          <p>{[patient.birthDate, patient.email, patient.phone].filter(Boolean).join(' · ')}</p>
          <Button variant="secondary" onPress={() => setPatient(null)}>{t('desk.otherPatient')}</Button>
        </div>
      ) : (
        <>
          <FindPatient onChoose={setPatient} />
          {nurse && <MyPatients onChoose={setPatient} />}
          <RegisterPatient onRegistered={setPatient} />
        </>
      )}
      {patient && <Book patient={patient} />}
    </section>
  );
}

function PatientList({ list, onChoose, label }: { list: Patient[]; onChoose: (p: Patient) => void; label: string }) {
  const { t } = useTranslation();
  return (
    <ul className="rows" aria-label={label}>
      {list.map((p) => (
        <li key={p.id}>
          <span><strong>{p.displayName}</strong>{p.birthDate ? ` · ${p.birthDate}` : ''}</span>
          <Button variant="secondary" onPress={() => onChoose(p)} aria-label={`${t('desk.bookFor')}: ${p.displayName}`}>{t('desk.bookFor')}</Button>
        </li>
      ))}
    </ul>
  );
}

function FindPatient({ onChoose }: { onChoose: (p: Patient) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [birth, setBirth] = useState('');
  const [found, setFound] = useState<Patient[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setFound(null);
    try {
      setFound(must(await api.GET('/patients', { params: { query: { displayName: name, birthDate: birth } } })));
    } catch (err) { setError(err); }
  }
  return (
    <div className="card">
      <h2>{t('desk.find.title')}</h2>
      <p className="muted">{t('desk.find.rule')}</p>
      <Form onSubmit={find} validationBehavior="aria" className="grid2">
        <Field label={t('desk.find.name')} name="displayName" value={name} onChange={setName} error={fieldError(error, 'displayName')} />
        <DateInput label={t('desk.find.birthDate')} name="birthDate" value={birth} onChange={setBirth} error={fieldError(error, 'birthDate')} />
        <div><Button type="submit">{t('desk.find.submit')}</Button></div>
      </Form>
      {found && found.length === 0 && <p role="status">{t('desk.find.none')}</p>}
      {found && found.length > 0 && <PatientList list={found} onChoose={onChoose} label={t('desk.find.results')} />}
      {!fieldError(error, 'displayName') && !fieldError(error, 'birthDate') && <ErrorNote error={error} />}
    </div>
  );
}

function MyPatients({ onChoose }: { onChoose: (p: Patient) => void }) {
  const { t } = useTranslation();
  const [list, setList] = useState<Patient[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.GET('/patients', { params: { query: { limit: 100 } } }).then((r) => setList(must(r))).catch(setError);
  }, []);
  return (
    <div className="card">
      <h2>{t('desk.mine.title')}</h2>
      {list === null && !error && <p>{t('loading')}</p>}
      {list && list.length === 0 && <p>{t('desk.mine.none')}</p>}
      {list && list.length > 0 && <PatientList list={list} onChoose={onChoose} label={t('desk.mine.title')} />}
      <ErrorNote error={error} />
    </div>
  );
}

function RegisterPatient({ onRegistered }: { onRegistered: (p: Patient) => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ displayName: '', birthDate: '', email: '', phone: '', username: '' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  async function register(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const body = Object.fromEntries(Object.entries(f).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    try {
      onRegistered(must(await api.POST('/patients', { body: { ...body, timeZone: browserTimeZone() } })) as unknown as Patient);
    } catch (err) { setError(err); }
  }
  const named = ['displayName', 'birthDate', 'email', 'phone', 'username'].some((k) => fieldError(error, k));
  return (
    <details className="card">
      <summary>{t('desk.register.title')}</summary>
      <Form onSubmit={register} validationBehavior="aria" className="grid2">
        <Field label={t('desk.register.name')} name="displayName" value={f.displayName} onChange={set('displayName')} isRequired error={fieldError(error, 'displayName')} />
        <DateInput label={t('desk.find.birthDate')} name="birthDate" value={f.birthDate} onChange={set('birthDate')} error={fieldError(error, 'birthDate')} />
        <Field label={t('desk.register.email')} name="email" type="email" value={f.email} onChange={set('email')} error={fieldError(error, 'email')} />
        <Field label={t('desk.register.phone')} name="phone" type="tel" value={f.phone} onChange={set('phone')} error={fieldError(error, 'phone')} />
        <Field label={t('desk.register.username')} name="username" value={f.username} onChange={set('username')} description={t('desk.register.usernameHint')} error={fieldError(error, 'username')} />
        <div><Button type="submit">{t('desk.register.submit')}</Button></div>
      </Form>
      {!named && <ErrorNote error={error} />}
    </details>
  );
}

const TYPES = ['video', 'audio', 'in_person'] as const;
const KINDS = ['colleague', 'interpreter', 'guest'] as const;

function Book({ patient }: { patient: Patient }) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const zone = browserTimeZone();
  const [doctors, setDoctors] = useState<Doctor[] | null>(null);
  const [doctorId, setDoctorId] = useState('');
  const [type, setType] = useState<string>('video');
  const [day, setDay] = useState<string | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slot, setSlot] = useState('');
  const [complaint, setComplaint] = useState('');
  const [people, setPeople] = useState<Participant[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [booked, setBooked] = useState<Encounter | null>(null);
  // the chosen doctor's clinics (the directory's; none without it) and where the visit is to be ('' any)
  const [clinics, setClinics] = useState<{ id: string; name: string }[]>([]);
  const [clinic, setClinic] = useState('');

  useEffect(() => { api.GET('/doctors', { params: { query: { limit: 500 } } }).then((r) => setDoctors(must(r))).catch(setError); }, []);
  useEffect(() => {
    setClinics([]);
    setClinic('');
    if (!doctorId) return;
    api.GET('/directory/doctors/{id}', { params: { path: { id: doctorId } } })
      .then((r) => setClinics(((r.data?.clinics ?? []).filter((c) => c.id && c.name)) as { id: string; name: string }[]))
      .catch(() => setClinics([]));
  }, [doctorId]);
  useEffect(() => {
    if (!doctorId) return;
    setSlots(null);
    setSlot('');
    // only the latest question's answer is shown (another doctor, day or clinic may be chosen meanwhile)
    let stale = false;
    freeSlots(doctorId, day, zone, clinic).then((s) => { if (!stale) setSlots(s); }, (e) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [doctorId, day, zone, clinic]);

  async function book(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const participants = people.map((p) => ({
        kind: p.kind, displayName: p.displayName.trim(), email: p.email.trim() || undefined,
        username: p.kind === 'colleague' && p.username.trim() ? p.username.trim() : undefined,
      }));
      const v = must(await api.POST('/encounters', {
        body: { type, doctorId, patientId: patient.id, scheduledStart: slot, chiefComplaint: complaint || undefined, participants,
          clinicId: clinic || undefined },
      })) as unknown as Encounter;
      setBooked(v);
    } catch (err) { setError(err); }
  }

  if (booked) return <Booked visit={booked} canInvite={!!session?.user.roles.some((r) => r === 'front-desk' || r === 'admin')} />;
  const setPerson = (i: number, k: keyof Participant, v: string) => setPeople(people.map((p, j) => (j === i ? { ...p, [k]: v } : p)));
  const atField = error instanceof ApiError && !!error.field
    && /^(scheduledStart|clinicId|chiefComplaint|participants\[\d+\]\.(displayName|email|username))$/.test(error.field);
  return (
    <Form onSubmit={book} validationBehavior="aria" className="card" aria-labelledby="book-title">
      <h2 id="book-title">{t('desk.book.title', { name: patient.displayName })}</h2>
      <div className="filters">
        <label>{t('desk.book.doctor')}
          <select name="doctor" value={doctorId} onChange={(e) => { setDoctorId(e.target.value); setDay(null); }} required>
            <option value="">{t('desk.book.chooseDoctor')}</option>
            {(doctors ?? []).map((d) => <option key={d.id} value={d.id}>{[d.displayName, d.speciality, d.clinic].filter(Boolean).join(' · ')}</option>)}
          </select>
        </label>
        <label>{t('desk.book.type')}
          <select name="type" value={type} onChange={(e) => setType(e.target.value)}>
            {TYPES.map((x) => <option key={x} value={x}>{t(`desk.types.${x}`)}</option>)}
          </select>
        </label>
      </div>
      {doctorId && (
        <>
          <p>{t('desk.book.zone', { zone })}</p>
          {clinics.length > 1 && (
            <label className="field">{t('find.clinic')}
              <select name="clinic" value={clinic} onChange={(e) => setClinic(e.target.value)}>
                <option value="">{t('find.anyClinic')}</option>
                {clinics.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            </label>
          )}
          <SlotChooser slots={slots} day={day} onDay={setDay} slot={slot} onSlot={setSlot} zone={zone}
            noneSoon={t('desk.day.noneSoon')}
            clinicName={clinics.length > 1 && !clinic ? (id) => clinics.find((c) => c.id === id)?.name : undefined} />
          {fieldError(error, 'clinicId') && <p className="error">{fieldError(error, 'clinicId')}</p>}
          {fieldError(error, 'scheduledStart') && <p className="error">{fieldError(error, 'scheduledStart')}</p>}
        </>
      )}
      <Field label={t('desk.book.complaint')} name="complaint" value={complaint} onChange={setComplaint} error={fieldError(error, 'chiefComplaint')} />
      <h3>{t('desk.book.participants')}</h3>
      {people.length === 0 && <p className="muted">{t('desk.book.noParticipants')}</p>}
      <ul className="rows">
        {people.map((p, i) => (
          <li key={i}><fieldset className="participant"><legend>{`${t('desk.book.participant')} ${i + 1}`}</legend>
            <label>{t('desk.kind')}
              <select name={`participants[${i}].kind`} value={p.kind} onChange={(e) => setPerson(i, 'kind', e.target.value)}>
                {KINDS.map((k) => <option key={k} value={k}>{t(`desk.kinds.${k}`)}</option>)}
              </select>
            </label>
            <Field label={t('desk.name')} name={`participants[${i}].displayName`} value={p.displayName} onChange={(v) => setPerson(i, 'displayName', v)} error={fieldError(error, `participants[${i}].displayName`)} />
            <Field label={t('desk.email')} name={`participants[${i}].email`} type="email" value={p.email} onChange={(v) => setPerson(i, 'email', v)} error={fieldError(error, `participants[${i}].email`)} />
            {p.kind === 'colleague' && <Field label={t('desk.account')} name={`participants[${i}].username`} value={p.username} onChange={(v) => setPerson(i, 'username', v)} error={fieldError(error, `participants[${i}].username`)} />}
            <Button variant="danger" onPress={() => setPeople(people.filter((_, j) => j !== i))}>{t('desk.remove')}</Button>
          </fieldset></li>
        ))}
      </ul>
      <div className="actions">
        <Button variant="secondary" onPress={() => setPeople([...people, { kind: 'interpreter', displayName: '', email: '', username: '' }])}>{t('desk.book.addParticipant')}</Button>
        <Button type="submit" isDisabled={!slot}>{t('desk.book.submit')}</Button>
      </div>
      {!atField && <ErrorNote error={error} />}
    </Form>
  );
}

function Booked({ visit, canInvite }: { visit: Encounter; canInvite: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const links = Object.entries(visit.joinLinks ?? {});
  const names = new Map((visit.participants ?? []).map((p) => [p.id, `${p.displayName} (${t(`desk.kinds.${p.kind}`, { defaultValue: p.kind })})`]));
  return (
    <div className="card" aria-labelledby="booked-title">
      <h2 id="booked-title">{t('desk.booked.title')}</h2>
      <Notice>{t('desk.booked.notice', { name: visit.patientName, doctor: visit.doctorName, time: `${formatDate(visit.scheduledStart!, lang, calendar, zone)} ${formatTime(visit.scheduledStart!, lang, zone)}` })}</Notice>
      <dl className="facts">
        <dt>{t('desk.book.type')}</dt><dd>{t(`desk.types.${visit.type}`, { defaultValue: visit.type })}</dd>
        <dt>{t('desk.booked.status')}</dt><dd data-testid="booked-status">{t(`status.${visit.status}`, { defaultValue: visit.status })}</dd>
        <dt>{t('desk.book.participants')}</dt><dd>{(visit.participants ?? []).map((p) => names.get(p.id)).join(', ') || t('visit.none')}</dd>
        {visit.accessCode && <><dt>{t('desk.accessCode')}</dt><dd>{visit.accessCode}</dd></>}
      </dl>
      <h3>{t('desk.booked.links')}</h3>
      {links.length === 0 ? <p data-testid="no-links">{visit.roomId ? t('desk.booked.noLinks') : t('desk.booked.noRoom')}</p> : (
        <ul className="links">
          {links.map(([who, url]) => <li key={who}><strong>{who === 'doctor' || who === 'patient' ? t(`desk.who.${who}`) : names.get(who) ?? who}</strong>: <a href={url}>{url}</a></li>)}
        </ul>
      )}
      {canInvite && visit.roomId && <p><Link to={`/desk/visits/${visit.id}/invitations`}>{t('desk.inv.link')}</Link></p>}
    </div>
  );
}
