import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';
import { Button, ErrorNote, Notice } from '../../ui';
import AdminLayout from './AdminLayout';

type Medicine = Schemas['Medicine'];
type RowError = Schemas['RowError'];

/** /admin/formulary: the clinic's medicines, searched by the words they begin with, and imported from CSV. */
export default function Formulary() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [allOrNone, setAllOrNone] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Schemas['ImportResult'] | null>(null);
  const [rows, setRows] = useState<RowError[]>([]);
  const [nothing, setNothing] = useState(false);
  const [q, setQ] = useState('');
  const [list, setList] = useState<Medicine[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  function load(query: string) {
    api.GET('/directory/medicines', { params: { query: { q: query || undefined, limit: 50 } } })
      .then((r) => setList(must(r))).catch(setError);
  }
  useEffect(() => {
    const timer = setTimeout(() => load(q), q ? 200 : 0);
    return () => clearTimeout(timer);
  }, [q]);

  async function upload() {
    if (!file) return;
    setBusy(true); setError(null); setResult(null); setRows([]); setNothing(false);
    try {
      const csv = await file.text();
      const r = must(await api.POST('/directory/medicines/import', { body: { csv, allOrNone } }));
      setResult(r);
      setRows(r.errors ?? []);
      load(q);
    } catch (e) {
      // all or none: the rows' errors come in the problem, and nothing was imported
      const errors = e instanceof ApiError ? (e.problem as { errors?: RowError[] }).errors : undefined;
      if (errors) { setRows(errors); setNothing(true); } else setError(e);
    } finally { setBusy(false); }
  }

  return (
    <AdminLayout titleKey="directory.formulary.title">
      <form className="card formulary-import" onSubmit={(e) => { e.preventDefault(); upload(); }}>
        <label>{t('directory.formulary.file')}
          <input type="file" name="csv" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="check"><input type="checkbox" checked={allOrNone} onChange={(e) => setAllOrNone(e.target.checked)} /> {t('directory.formulary.allOrNone')}</label>
        <Button type="submit" isDisabled={!file || busy}>{busy ? t('directory.formulary.importing') : t('directory.formulary.import')}</Button>
        {busy && <progress aria-label={t('directory.formulary.importing')} />}
      </form>
      {result && <Notice>{t('directory.formulary.result', { imported: result.imported, unchanged: result.unchanged })}</Notice>}
      {nothing && <p className="error" role="alert">{t('directory.formulary.nothing')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.formulary.errors')}>
        <table className="data">
          <caption>{t('directory.formulary.errors')}</caption>
          <thead><tr><th>{t('directory.formulary.line')}</th><th>{t('directory.formulary.field')}</th><th>{t('directory.formulary.problem')}</th></tr></thead>
          <tbody>{rows.map((r) => <tr key={`${r.line}-${r.field}`}><td>{r.line}</td><td><bdi dir="ltr">{r.field ?? '—'}</bdi></td><td>{r.detail}</td></tr>)}</tbody>
        </table>
        </div>
      )}
      <label>{t('directory.formulary.search')}
        <input type="search" name="medicine" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {list && list.length === 0 && <p>{t('directory.formulary.none')}</p>}
      {list && list.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.formulary.title')}>
        <table className="data">
          <thead><tr><th>{t('directory.formulary.name')}</th><th>{t('directory.formulary.strength')}</th><th>{t('directory.formulary.form')}</th>
            <th>{t('directory.formulary.route')}</th><th>{t('directory.formulary.atc')}</th></tr></thead>
          <tbody>{list.map((m) => <tr key={m.id}><td>{m.name}</td><td>{m.strength}</td><td>{m.form}</td><td>{m.route}</td><td><bdi dir="ltr">{m.atc ?? ''}</bdi></td></tr>)}</tbody>
        </table>
        </div>
      )}
      <ErrorNote error={error} />
    </AdminLayout>
  );
}
