import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { useAuth } from '../../auth';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import AdminLayout from './AdminLayout';
import { clinicScopes, hasRole } from './logic';
import { planName, useInsurers } from '../directory/common';
import { formatDay, parseDay, WEEKDAYS, weekdayName } from '../directory/hours';
import { PictureEditor } from '../directory/pictures';
import type { Lang } from '../../format';

type Clinic = Schemas['Clinic'];
type Input = { name: string; address: string; timeZone: string; phone: string; email: string; publicProfiles: boolean };
const EMPTY: Input = { name: '', address: '', timeZone: '', phone: '', email: '', publicProfiles: false };
const NO_HOURS: Record<string, string> = Object.fromEntries(WEEKDAYS.map((d) => [d, '']));

/**
 * /admin/clinics: the directory's clinics. The system administrator creates and edits any; a clinic administrator edits
 * their own (not its name, which their role is scoped by): address, time zone, contact, and whether the public may
 * read its doctors' profiles without signing in.
 */
export default function Clinics() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { session } = useAuth();
  const admin = hasRole(session?.user.roles, 'admin');
  const scopes = clinicScopes(session?.user.roles);
  const [clinics, setClinics] = useState<Clinic[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null); // a clinic's id, or 'new'
  const [form, setForm] = useState<Input>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const insurers = useInsurers();
  const [plans, setPlans] = useState<string[]>([]);
  const [hours, setHours] = useState<Record<string, string>>(NO_HOURS);

  const load = useCallback(async () => {
    try { setClinics(must(await api.GET('/directory/clinics'))); } catch (e) { setError(e); }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const mine = admin ? clinics ?? [] : (clinics ?? []).filter((c) => scopes.includes(c.name!));

  function edit(c: Clinic | null) {
    setError(null); setNotice('');
    setEditing(c ? c.id! : 'new');
    setPlans([]);
    setHours(c ? Object.fromEntries(WEEKDAYS.map((d) => [d, formatDay(c.openingHours?.[d])])) : NO_HOURS);
    if (c) {
      api.GET('/directory/clinics/{id}/plans', { params: { path: { id: c.id! } } })
        .then((r) => setPlans(must(r).map((x) => x.id!))).catch(setError);
    }
    setForm(c ? { name: c.name ?? '', address: c.address ?? '', timeZone: c.timeZone ?? '', phone: c.phone ?? '', email: c.email ?? '', publicProfiles: !!c.publicProfiles } : EMPTY);
  }
  async function save() {
    setError(null);
    try {
      const body = { ...form, openingHours: Object.fromEntries(WEEKDAYS.map((d) => [d, parseDay(hours[d])])) };
      const saved = (editing === 'new' ? must(await api.POST('/directory/clinics', { body }))
        : must(await api.PUT('/directory/clinics/{id}', { params: { path: { id: editing! } }, body }))) as Clinic;
      must(await api.PUT('/directory/clinics/{id}/plans', { params: { path: { id: saved.id! } }, body: { planIds: plans } }));
      setEditing(null);
      setNotice(t('directory.clinics.saved', { name: form.name }));
      await load();
    } catch (e) { setError(e); }
  }
  const set = (k: keyof Input) => (v: string) => setForm({ ...form, [k]: v });

  return (
    <AdminLayout titleKey="directory.clinics.title" adminOnly={false}>
      {notice && <Notice>{notice}</Notice>}
      {clinics === null && !error && <p className="busy" role="status">{t('loading')}</p>}
      {mine.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.clinics.title')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('directory.clinics.name')}</th><th scope="col">{t('directory.clinics.doctors')}</th>
              <th scope="col">{t('directory.clinics.public')}</th><th scope="col"><span className="visually-hidden">{t('directory.clinics.edit')}</span></th>
            </tr></thead>
            <tbody>
              {mine.map((c) => (
                <tr key={c.id}><td>{c.name}</td><td>{c.doctors}</td><td>{c.publicProfiles ? t('directory.clinics.yes') : t('directory.clinics.no')}</td>
                  <td><Button variant="secondary" onPress={() => edit(c)} aria-label={`${t('directory.clinics.edit')}: ${c.name}`}>{t('directory.clinics.edit')}</Button></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {admin && editing === null && <Button onPress={() => edit(null)}>{t('directory.clinics.new')}</Button>}
      {editing !== null && (
        <form className="card" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <h2>{editing === 'new' ? t('directory.clinics.new') : form.name}</h2>
          <Field label={t('directory.clinics.name')} name="name" value={form.name} onChange={set('name')} error={fieldError(error, 'name')} />
          <Field label={t('directory.clinics.address')} name="address" value={form.address} onChange={set('address')} error={fieldError(error, 'address')} />
          <Field label={t('directory.clinics.timeZone')} name="timeZone" value={form.timeZone} onChange={set('timeZone')} error={fieldError(error, 'timeZone')} />
          <Field label={t('directory.clinics.phone')} name="phone" value={form.phone} onChange={set('phone')} error={fieldError(error, 'phone')} />
          <Field label={t('directory.clinics.email')} name="email" value={form.email} onChange={set('email')} error={fieldError(error, 'email')} />
          <fieldset className="clinic-plans">
            <legend>{t('directory.clinics.openingHours')}</legend>
            <p className="muted">{t('directory.clinics.hoursHint')}</p>
            {WEEKDAYS.map((d) => {
              // the hub names a bad range as openingHours.<day>[i].start or .end: shown at the day
              const err = fieldError(error, `openingHours.${d}`) ?? [0, 1, 2, 3].flatMap((i) => [`openingHours.${d}[${i}].start`, `openingHours.${d}[${i}].end`])
                .map((f) => fieldError(error, f)).find(Boolean);
              return <Field key={d} label={weekdayName(d, lang)} name={`hours-${d}`} value={hours[d]} onChange={(v) => setHours({ ...hours, [d]: v })} error={err} />;
            })}
          </fieldset>
          <label className="check"><input type="checkbox" checked={form.publicProfiles} onChange={(e) => setForm({ ...form, publicProfiles: e.target.checked })} /> {t('directory.clinics.publicProfiles')}</label>
          {(insurers ?? []).length > 0 && (
            <fieldset className="clinic-plans">
              <legend>{t('directory.insurance.clinicPlans')}</legend>
              <div className="speciality-checks">
                {(insurers ?? []).flatMap((i) => (i.plans ?? []).map((pl) => (
                  <label key={pl.id} className="check"><input type="checkbox" checked={plans.includes(pl.id!)}
                    onChange={(e) => setPlans(e.target.checked ? [...plans, pl.id!] : plans.filter((x) => x !== pl.id))} />
                    {planName({ insurer: i.name, name: pl.name })}</label>)))}
              </div>
              {fieldError(error, 'planIds') && <p className="error">{fieldError(error, 'planIds')}</p>}
            </fieldset>
          )}
          {editing !== 'new' && <PictureEditor kind="logo" id={editing} version={(clinics ?? []).find((c) => c.id === editing)?.logo}
            onChanged={() => { void load(); }} />}
          <div className="actions">
            <Button type="submit">{t('directory.clinics.save')}</Button>
            <Button variant="secondary" onPress={() => setEditing(null)}>{t('directory.profilePage.cancel')}</Button>
          </div>
        </form>
      )}
      <ErrorNote error={error} />
    </AdminLayout>
  );
}
