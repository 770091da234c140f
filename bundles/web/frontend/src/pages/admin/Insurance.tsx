import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { Button, ErrorNote, Field, fieldError } from '../../ui';
import AdminLayout from './AdminLayout';

type Insurer = Schemas['Insurer'];

/** /admin/insurance: insurers and their plans (what patients' coverage and doctors' accepted plans name). */
export default function Insurance() {
  const { t } = useTranslation();
  const [list, setList] = useState<Insurer[] | null>(null);
  const [name, setName] = useState('');
  const [plan, setPlan] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);

  function load() {
    api.GET('/directory/insurers').then((r) => setList(must(r))).catch(setError);
  }
  useEffect(load, []);

  async function addInsurer() {
    setError(null);
    try {
      must(await api.POST('/directory/insurers', { body: { name } }));
      setName('');
      load();
    } catch (e) { setError(e); }
  }

  async function addPlan(i: Insurer) {
    setError(null);
    try {
      must(await api.POST('/directory/insurers/{id}/plans', { params: { path: { id: i.id! } }, body: { name: plan[i.id!] ?? '' } }));
      setPlan({ ...plan, [i.id!]: '' });
      load();
    } catch (e) { setError(e); }
  }

  return (
    <AdminLayout titleKey="directory.insurance.admin">
      <form className="card" onSubmit={(e) => { e.preventDefault(); addInsurer(); }}>
        <Field label={t('directory.insurance.newInsurer')} name="insurer" value={name} onChange={setName} error={fieldError(error, 'name')} />
        <Button type="submit" isDisabled={!name.trim()}>{t('directory.insurance.addInsurer')}</Button>
      </form>
      {list && list.length === 0 && <p>{t('directory.insurance.noInsurers')}</p>}
      <ul className="insurers">
        {(list ?? []).map((i) => (
          <li key={i.id} className="card">
            <h2>{i.name}</h2>
            <p>{t('directory.insurance.plans')}: {(i.plans ?? []).map((p) => p.name).join(', ') || '—'}</p>
            <form onSubmit={(e) => { e.preventDefault(); addPlan(i); }}>
              <Field label={t('directory.insurance.newPlan', { insurer: i.name })} name={`plan-${i.id}`} value={plan[i.id!] ?? ''}
                onChange={(v) => setPlan({ ...plan, [i.id!]: v })} />
              <Button type="submit" variant="secondary" isDisabled={!(plan[i.id!] ?? '').trim()}>{t('directory.insurance.addPlan')}</Button>
            </form>
          </li>
        ))}
      </ul>
      <ErrorNote error={error} />
    </AdminLayout>
  );
}
