import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must, type Schemas } from '../../api/client';
import { useAuth } from '../../auth';
import { browserTimeZone, formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import AdminLayout from './AdminLayout';
import { clinicScopes, hasRole } from './logic';
import DateInput from '../desk/DateInput';

type Doctor = Schemas['DoctorView'];
type Member = Schemas['CareTeamMember'];

/**
 * Doctors (list; the system administrator creates them), patients (registered here; an administrator is not a
 * clinician, so no patient list) and care teams (the system administrator for any doctor, a clinic administrator for
 * their clinic's doctors: the API decides and its refusal is shown).
 */
export default function People() {
  const { t, i18n } = useTranslation();
  const { session } = useAuth();
  const admin = hasRole(session?.user.roles, 'admin');
  const clinics = clinicScopes(session?.user.roles);
  const [doctors, setDoctors] = useState<Doctor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [patientId, setPatientId] = useState('');

  const load = useCallback(async () => {
    try { setDoctors(must(await api.GET('/doctors', { params: { query: { limit: 500 } } }))); } catch (e) { setError(e); }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const mine = admin ? doctors ?? [] : (doctors ?? []).filter((d) => d.clinic && clinics.includes(d.clinic));

  return (
    <AdminLayout titleKey="admin.people.title" adminOnly={false}>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      <h2>{t('admin.people.doctors')}</h2>
      {doctors === null && !error && <p className="busy" role="status">{t('loading')}</p>}
      {doctors && mine.length === 0 && <p>{admin ? t('admin.people.noDoctors') : t('admin.people.clinicHint', { clinics: clinics.join(', ') })}</p>}
      {mine.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.people.doctors')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.people.displayName')}</th><th scope="col">{t('admin.people.speciality')}</th>
              <th scope="col">{t('admin.people.clinic')}</th><th scope="col">{t('admin.people.timeZone')}</th>
              <th scope="col">{t('admin.people.slotMinutes')}</th><th scope="col">{t('admin.users.username')}</th>
            </tr></thead>
            <tbody>
              {mine.map((d) => (
                <tr key={d.id}><td>{d.displayName}</td><td>{d.speciality}</td><td>{d.clinic}</td><td>{d.timeZone}</td>
                  <td>{d.slotMinutes != null ? formatNumber(d.slotMinutes, i18n.language as Lang) : ''}</td><td>{d.username}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {admin && <CreateDoctor onCreated={(d) => { setDoctors((l) => [...(l ?? []), d]); setNotice(t('admin.people.doctorCreated', { name: d.displayName })); }} />}
      <p className="notice" role="note">{t('admin.people.notClinician')}</p>
      {admin && <RegisterPatient onRegistered={(p) => { setPatientId(p.id!); setNotice(t('admin.people.registered', { name: p.displayName, id: p.id })); }} />}
      <CareTeam doctors={mine} patientId={patientId} setPatientId={setPatientId} clinics={admin ? [] : clinics} />
    </AdminLayout>
  );
}

function CreateDoctor({ onCreated }: { onCreated: (d: Doctor) => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ displayName: '', speciality: '', clinic: '', timeZone: browserTimeZone(), slotMinutes: '30', username: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF((o) => ({ ...o, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const slot = Number(f.slotMinutes);
      const d = must(await api.POST('/doctors', { body: {
        displayName: f.displayName, speciality: f.speciality || undefined, clinic: f.clinic || undefined,
        timeZone: f.timeZone, slotMinutes: Number.isFinite(slot) ? slot : undefined, username: f.username,
      } })) as unknown as Doctor;
      setF((o) => ({ ...o, displayName: '', username: '' }));
      onCreated(d);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const field = (k: keyof typeof f, extra: { isRequired?: boolean; description?: string; inputMode?: 'numeric' } = {}) => (
    <Field label={t(`admin.people.${k}`)} name={`doctor-${k}`} value={f[k]} onChange={set(k)} error={fieldError(error, k)} {...extra} />
  );
  return (
    <Form className="card" onSubmit={submit} validationBehavior="aria" aria-labelledby="create-doctor-title">
      <h2 id="create-doctor-title">{t('admin.people.createDoctor')}</h2>
      <div className="grid-form">
        {field('displayName', { isRequired: true })}
        {field('speciality')}
        {field('clinic')}
        {field('timeZone', { isRequired: true })}
        {field('slotMinutes', { inputMode: 'numeric' })}
        {field('username', { isRequired: true, description: t('admin.people.usernameHint') })}
      </div>
      <Button type="submit" isDisabled={busy}>{busy ? t('admin.common.working') : t('admin.people.createDoctor')}</Button>
      <ErrorNote error={error} />
    </Form>
  );
}

function RegisterPatient({ onRegistered }: { onRegistered: (p: Schemas['PatientView']) => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ displayName: '', birthDate: '', email: '', phone: '', username: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF((o) => ({ ...o, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = must(await api.POST('/patients', { body: {
        displayName: f.displayName, username: f.username, birthDate: f.birthDate || undefined,
        email: f.email || undefined, phone: f.phone || undefined,
      } })) as unknown as Schemas["PatientView"];
      setF({ displayName: '', birthDate: '', email: '', phone: '', username: '' });
      onRegistered(p);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return (
    <Form className="card" onSubmit={submit} validationBehavior="aria" aria-labelledby="register-patient-title">
      <h2 id="register-patient-title">{t('admin.people.patients')}</h2>
      <div className="grid-form">
        <Field label={t('admin.people.displayName')} name="patient-displayName" value={f.displayName} onChange={set('displayName')} isRequired error={fieldError(error, 'displayName')} />
        <Field label={t('admin.people.patientUsername')} name="patient-username" value={f.username} onChange={set('username')} isRequired error={fieldError(error, 'username')} />
        <DateInput label={t('admin.people.birthDate')} name="patient-birthDate" value={f.birthDate} onChange={set('birthDate')} error={fieldError(error, 'birthDate')} />
        <Field label={t('admin.people.email')} name="patient-email" type="email" value={f.email} onChange={set('email')} error={fieldError(error, 'email')} />
        <Field label={t('admin.people.phone')} name="patient-phone" type="tel" value={f.phone} onChange={set('phone')} error={fieldError(error, 'phone')} />
      </div>
      <Button type="submit" isDisabled={busy}>{busy ? t('admin.common.working') : t('admin.people.register')}</Button>
      <ErrorNote error={error} />
    </Form>
  );
}

function CareTeam({ doctors, patientId, setPatientId, clinics }: {
  doctors: Doctor[]; patientId: string; setPatientId: (v: string) => void; clinics: string[];
}) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const [member, setMember] = useState('');
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const id = patientId.trim();

  async function run(f: () => Promise<void>) {
    setBusy(true); setError(null); setNotice('');
    try { await f(); } catch (e) { setError(e); } finally { setBusy(false); }
  }
  const show = () => run(async () => {
    setMembers(must(await api.GET('/patients/{id}/care-team', { params: { path: { id } } })));
  });
  const assign = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const m = must(await api.PUT('/patients/{id}/care-team/{username}', { params: { path: { id, username: member } } }));
      setNotice(t('admin.people.assigned', { username: m.username, id }));
      setMembers(must(await api.GET('/patients/{id}/care-team', { params: { path: { id } } })));
    });
  };
  const remove = (username: string) => run(async () => {
    await api.DELETE('/patients/{id}/care-team/{username}', { params: { path: { id, username } } });
    setNotice(t('admin.people.removed', { username }));
    setMembers(must(await api.GET('/patients/{id}/care-team', { params: { path: { id } } })));
  });

  return (
    <Form className="card" onSubmit={assign} validationBehavior="aria" aria-labelledby="care-team-title">
      <h2 id="care-team-title">{t('admin.people.careTeam')}</h2>
      <p>{t('admin.people.careHint')}</p>
      {clinics.length > 0 && <p className="muted">{t('admin.people.clinicHint', { clinics: clinics.join(', ') })}</p>}
      <div className="grid-form">
        <Field label={t('admin.people.patientId')} name="care-patientId" value={patientId} onChange={(v) => { setPatientId(v); setMembers(null); }}
          isRequired error={fieldError(error, 'patientId')} />
        <label className="field">{t('admin.people.member')}
          <select name="care-member" value={member} onChange={(e) => setMember(e.target.value)} required>
            <option value="">—</option>
            {doctors.filter((d) => d.username).map((d) => <option key={d.id} value={d.username}>{d.displayName} ({d.username}{d.clinic ? `, ${d.clinic}` : ''})</option>)}
          </select>
        </label>
      </div>
      <div className="actions">
        <Button type="submit" isDisabled={busy || !id || !member}>{t('admin.people.assign')}</Button>
        <Button variant="secondary" onPress={show} isDisabled={busy || !id}>{t('admin.people.show')}</Button>
      </div>
      {busy && <p className="busy" role="status">{t('admin.common.working')}</p>}
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {members && members.length === 0 && <p>{t('admin.people.noMembers')}</p>}
      {members && members.length > 0 && (
        <ul className="visits" aria-label={t('admin.people.careTeam')}>
          {members.map((m) => (
            <li key={m.username} className="cell-actions">
              <span><strong>{m.username}</strong> · <span className="muted">{t('admin.people.addedBy', { by: m.addedBy })}
                {m.addedAt ? `, ${formatDateTime(m.addedAt, i18n.language as Lang, calendar)}` : ''}</span></span>
              <Button variant="danger" onPress={() => remove(m.username!)} aria-label={`${t('admin.people.remove')}: ${m.username}`}>{t('admin.people.remove')}</Button>
            </li>
          ))}
        </ul>
      )}
    </Form>
  );
}
