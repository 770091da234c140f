import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote } from '../../ui';
import AdminLayout from './AdminLayout';

type Disease = Schemas['Disease'];
type ImportJob = Schemas['ImportJob'];

/**
 * /admin/diseases: the clinic's ICD-10 edition and its translations, imported in the background with their progress
 * (the CDC's order file is about 74,000 rows), and searched by code or words.
 */
export default function Diseases() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('icd10cm-order');
  const [language, setLanguage] = useState('');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Disease[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const polling = useRef<number | null>(null);

  function loadJobs() {
    api.GET('/directory/diseases/imports').then((r) => setJobs(must(r))).catch(setError);
  }
  function search(query: string) {
    api.GET('/directory/diseases', { params: { query: { q: query || undefined, language: lang === 'en' ? undefined : lang, limit: 50 } } })
      .then((r) => setFound(must(r))).catch(setError);
  }
  useEffect(() => { loadJobs(); return () => { if (polling.current) window.clearTimeout(polling.current); }; }, []);
  useEffect(() => {
    const timer = setTimeout(() => search(q), q ? 200 : 0);
    return () => clearTimeout(timer);
  }, [q, lang]); // eslint-disable-line react-hooks/exhaustive-deps

  // the import runs on the hub: its progress is read every second until it ends
  function follow(id: string) {
    api.GET('/directory/diseases/imports/{id}', { params: { path: { id } } }).then((r) => {
      const j = must(r);
      setJob(j);
      if (j.state === 'running') polling.current = window.setTimeout(() => follow(id), 1000);
      else { loadJobs(); search(q); }
    }).catch(setError);
  }

  async function start() {
    if (!file) return;
    setError(null); setJob(null);
    try {
      // the file itself is the body (the hub's upload limit, not JSON's); 202 with the import
      const j = must(await api.POST('/directory/diseases/imports', {
        params: { query: { format, language: language.trim() || undefined } },
        body: file as unknown as never,
        bodySerializer: (b: unknown) => b as Blob,
        headers: { 'Content-Type': 'application/octet-stream' },
      })) as unknown as ImportJob;
      setJob(j);
      follow(j.id!);
    } catch (e) { setError(e); }
  }

  return (
    <AdminLayout titleKey="directory.diseases.title">
      <form className="card formulary-import disease-import" onSubmit={(e) => { e.preventDefault(); start(); }}>
        <label>{t('directory.diseases.file')}
          <input type="file" name="diseases" accept=".txt,.csv,text/plain,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label>{t('directory.diseases.format')}
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="icd10cm-order">{t('directory.diseases.order')}</option>
            <option value="csv">{t('directory.diseases.csv')}</option>
          </select>
        </label>
        <label>{t('directory.diseases.language')}
          <input name="language" value={language} dir="ltr" onChange={(e) => setLanguage(e.target.value)} />
        </label>
        <Button type="submit" isDisabled={!file || job?.state === 'running'}>{t('directory.diseases.import')}</Button>
      </form>
      {job && <JobProgress job={job} />}
      {job && (job.errors ?? []).length > 0 && <ImportErrors job={job} />}
      <label className="disease-search">{t('directory.diseases.search')}
        <input type="search" name="disease" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {found && found.length === 0 && <p>{q ? t('directory.diseases.none') : t('directory.diseases.empty')}</p>}
      {found && found.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.diseases.results')}>
          <table className="data">
            <thead><tr><th>{t('directory.diseases.code')}</th><th>{t('directory.diseases.name')}</th>{lang !== 'en' && <th>{t('directory.diseases.translation')}</th>}</tr></thead>
            <tbody>{found.map((d) => (
              <tr key={d.code}><td><bdi dir="ltr">{d.code}</bdi>{!d.billable && <span className="muted"> ({t('directory.diseases.header')})</span>}</td>
                <td><bdi dir="ltr">{d.name}</bdi></td>{lang !== 'en' && <td>{d.translation ?? ''}</td>}</tr>))}</tbody>
          </table>
        </div>
      )}
      {jobs.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.diseases.imports')}>
          <table className="data">
            <caption>{t('directory.diseases.imports')}</caption>
            <thead><tr><th>{t('directory.diseases.when')}</th><th>{t('directory.diseases.format')}</th><th>{t('directory.diseases.progress')}</th></tr></thead>
            <tbody>{jobs.map((j) => (
              <tr key={j.id}><td>{formatDateTime(j.createdAt!, lang, calendar)}</td><td><bdi dir="ltr">{j.format}{j.language ? ` (${j.language})` : ''}</bdi></td>
                <td>{t(`directory.diseases.state.${j.state}`, counts(j, lang))}</td></tr>))}</tbody>
          </table>
        </div>
      )}
      <ErrorNote error={error} />
    </AdminLayout>
  );
}

/** The import's counts in the reader's digits. */
function counts(j: ImportJob, lang: string) {
  const n = new Intl.NumberFormat(lang);
  return { done: n.format(j.done ?? 0), total: n.format(j.total ?? 0), imported: n.format(j.imported ?? 0) };
}

function JobProgress({ job }: { job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const text = t(`directory.diseases.state.${job.state}`, counts(job, i18n.language));
  return (
    <div className="card import-progress" role="status">
      <progress aria-label={t('directory.diseases.progress')} max={job.total} value={job.done} />
      <p>{text}</p>
    </div>
  );
}

function ImportErrors({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('directory.formulary.errors')}>
      <table className="data">
        <caption>{t('directory.formulary.errors')}</caption>
        <thead><tr><th>{t('directory.formulary.line')}</th><th>{t('directory.formulary.field')}</th><th>{t('directory.formulary.problem')}</th></tr></thead>
        <tbody>{(job.errors ?? []).map((r) => <tr key={`${r.line}-${r.field}`}><td>{r.line}</td><td><bdi dir="ltr">{r.field ?? '—'}</bdi></td><td>{r.detail}</td></tr>)}</tbody>
      </table>
    </div>
  );
}
