import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useAuth } from '../../auth';
import { registerDraft, takeDraft } from '../../drafts';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import { emptyContent, moveTo, type Content, type Diagnosis, type Medication, type Order } from './logic';
import './report.css';

type Report = Schemas['ReportsReport'];

const SECTIONS = ['subjective', 'objective', 'assessment', 'plan'] as const;

/**
 * /encounters/:id/report — a visit's report. Its doctor writes it here (saved by itself a moment after each change,
 * every version kept), approves it, signs it with a current code of their authenticator app, shares it with the
 * patient and adds signed addenda; the patient (once shared) and the care team (once signed) read it and its PDF.
 */
export default function ReportPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { session } = useAuth();
  const isDoctor = session?.user.roles.includes('doctor') ?? false;
  const [report, setReport] = useState<Report | null>(null);
  /** No report to show: 'author' (the visit's doctor, who may start it) or 'reader' (nothing shared yet). */
  const [missing, setMissing] = useState<'author' | 'reader' | null>(null);
  const [reloads, setReloads] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    setError(null);
    try {
      const r = await api.GET('/encounters/{encounterId}/report', { params: { path: { encounterId: id } } });
      if (r.response.status === 404) {
        // the visit's doctor is told there is none yet (field "report"); anyone else that there is none for them
        setMissing((r.error as { field?: string } | undefined)?.field === 'report' ? 'author' : 'reader');
        setReport(null);
        return;
      }
      setReport(must(r));
      setMissing(null);
    } catch (e) { setError(e); }
  }, [id]);
  useEffect(() => { void load(); }, [load]);

  async function start() {
    setError(null);
    try {
      setReport(must(await api.POST('/encounters/{encounterId}/report', { params: { path: { encounterId: id } } })) as unknown as Report);
      setMissing(null);
    } catch (e) { setError(e); }
  }

  // a draft is shown to its doctor only; a signed report was signed by its doctor
  const author = isDoctor && !!report && (report.status !== 'signed' || report.signedBy === session?.user.username);
  return (
    <section aria-labelledby="report-title" className="report">
      <h1 id="report-title">{t('report.title')}{report?.patientName ? `: ${report.patientName}` : ''}</h1>
      <p><Link to={`/encounters/${id}`}>{t('visit.title')}</Link></p>
      {missing === 'author' && <div className="card"><p>{t('report.none')}</p><Button onPress={start}>{t('report.start')}</Button></div>}
      {missing === 'reader' && <p>{t('report.notShared')}</p>}
      {/* a reload (after a conflict) starts the editor afresh from the report as it is now */}
      {report && author && report.status !== 'signed' && (
        <Editor key={`${report.id}-${reloads}`} report={report} onChange={setReport} onNotice={setNotice}
          onReload={async () => { await load(); setReloads((n) => n + 1); }} />
      )}
      {report && (!author || report.status === 'signed') && (
        <Signed report={report} author={author} onChange={setReport} onNotice={setNotice} />
      )}
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
    </section>
  );
}

function StatusBadge({ status }: { status?: string }) {
  const { t } = useTranslation();
  return <span className={`badge report-status-${status}`} data-testid="report-status">{t(`report.status.${status}`)}</span>;
}

/** The draft (or approved) report, saved by itself; approve, then sign with the second factor. */
function Editor({ report, onChange, onNotice, onReload }: {
  report: Report; onChange: (r: Report) => void; onNotice: (s: string) => void; onReload: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const key = `report-${report.encounterId}`;
  const restored = useMemo(() => takeDraft(key), [key]);
  const [content, setContent] = useState<Content>(() => restored?.content
    ? JSON.parse(restored.content) as Content : { ...emptyContent(), ...(report.content as Content) });
  const [edits, setEdits] = useState(restored ? 1 : 0);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const revision = useRef(report.revision ?? 1);
  const savedEdits = useRef(0);
  // what the next save sends and whether one is running: saves go one at a time, each with the latest content
  const latest = useRef({ content, edits });
  latest.current = { content, edits };
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => registerDraft(key, () => ({ content: edits > savedEdits.current ? JSON.stringify(content) : '' })),
    [key, content, edits]);

  function change(next: Content) {
    setContent(next);
    setEdits((n) => n + 1);
  }

  /** Saves what is unsaved now (after a save already running); false when it failed. */
  const save = useCallback(async (): Promise<boolean> => {
    if (timer.current) { clearTimeout(timer.current); timer.current = null; }
    while (inFlight.current) await inFlight.current;
    const { content: body, edits: upTo } = latest.current;
    if (upTo === savedEdits.current) return true;
    const run = (async () => {
      setSaving(true);
      try {
        const r = must(await api.PUT('/encounters/{encounterId}/report', {
          params: { path: { encounterId: report.encounterId! } }, body: { revision: revision.current, content: body },
        }));
        revision.current = r.revision ?? revision.current;
        savedEdits.current = upTo;
        setError(null);
        onChange(r);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.field === 'revision') setConflict(true);
        else setError(e);
        return false;
      } finally { setSaving(false); }
    })();
    inFlight.current = run;
    try { return await run; } finally { inFlight.current = null; }
  }, [report.encounterId, onChange]);

  // saved a moment after the last change (not on every key), so a weak connection sends little
  useEffect(() => {
    if (edits === 0 || edits === savedEdits.current || conflict) return;
    timer.current = setTimeout(() => { void save(); }, 1200);
    return () => { if (timer.current) clearTimeout(timer.current); };
  }, [edits, save, conflict]);

  async function approve() {
    setError(null);
    if (!(await save())) return; // what is unsaved first; the pending autosave is cancelled
    try {
      onChange(must(await api.POST('/encounters/{encounterId}/report/approve', {
        params: { path: { encounterId: report.encounterId! } }, body: { revision: revision.current },
      })));
      onNotice(t('report.approved'));
    } catch (e) { setError(e); }
  }

  async function sign() {
    setError(null);
    try {
      onChange(must(await api.POST('/encounters/{encounterId}/report/sign', {
        params: { path: { encounterId: report.encounterId! } }, body: { code: code.trim() },
      })));
      onNotice(t('report.sign.done'));
    } catch (e) { setError(e); }
  }

  async function preview() {
    setError(null);
    const r = await fetch(`/api/v1/encounters/${report.encounterId}/report/preview`, { credentials: 'same-origin' });
    if (!r.ok) { setError(new Error(`${r.status}`)); return; }
    window.open(URL.createObjectURL(await r.blob()), '_blank', 'noopener');
  }

  const dirty = edits !== savedEdits.current;
  const warnings = report.warnings ?? [];
  return (
    <div className="report-editor">
      <p className="report-meta">
        <StatusBadge status={report.status} />{' '}
        <span role="status" data-testid="report-saved">
          {saving ? t('report.saving') : dirty ? t('report.unsaved') : t('report.saved', { revision: formatNumber(revision.current, i18n.language as Lang) })}
        </span>
      </p>
      {conflict && (
        <div className="error" role="alert">
          <p>{t('report.conflict')}</p>
          <Button variant="secondary" onPress={onReload}>{t('report.reload')}</Button>
        </div>
      )}
      <label className="report-language">{t('report.language')}
        <select name="language" value={content.language} onChange={(e) => change({ ...content, language: e.target.value })}>
          {(['en', 'fa', 'ru'] as const).map((l) => <option key={l} value={l}>{t(`report.languages.${l}`)}</option>)}
        </select>
      </label>
      {SECTIONS.slice(0, 3).map((s) => (
        <Field key={s} label={t(`report.sections.${s}`)} name={s} value={content[s] ?? ''} multiline
          onChange={(v) => change({ ...content, [s]: v })} error={fieldError(error, s)} />
      ))}
      <Diagnoses list={content.diagnoses} lang={content.language as Lang} error={error}
        onChange={(diagnoses) => change({ ...content, diagnoses })} />
      <Field label={t('report.sections.plan')} name="plan" value={content.plan ?? ''} multiline
        onChange={(v) => change({ ...content, plan: v })} error={fieldError(error, 'plan')} />
      <Prescription list={content.medications} error={error} onChange={(medications) => change({ ...content, medications })} />
      <Orders list={content.orders} error={error} onChange={(orders) => change({ ...content, orders })} />
      <fieldset className="report-block">
        <legend>{t('report.followUp.title')}</legend>
        <div className="grid2">
          <Field label={t('report.followUp.days')} name="followUpDays" inputMode="numeric"
            value={content.followUp?.days == null ? '' : String(content.followUp.days)} error={fieldError(error, 'followUp.days')}
            onChange={(v) => change({ ...content, followUp: { ...content.followUp, days: v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : -1 } })} />
          <Field label={t('report.followUp.note')} name="followUpNote" value={content.followUp?.note ?? ''}
            onChange={(v) => change({ ...content, followUp: { ...content.followUp, note: v } })} />
        </div>
      </fieldset>
      {warnings.length > 0 && (
        <div className="report-warnings" role="status"><strong>{t('report.warnings')}</strong>
          <ul>{warnings.map((w) => <li key={w}>{w}</li>)}</ul></div>
      )}
      <div className="actions">
        <Button variant="secondary" onPress={preview}>{t('report.preview')}</Button>
        {report.status === 'draft' && <Button onPress={approve}>{t('report.approve')}</Button>}
      </div>
      {report.status === 'approved' && !dirty && (
        <form className="card report-sign" onSubmit={(e) => { e.preventDefault(); void sign(); }}>
          <h2>{t('report.sign.title')}</h2>
          <p className="muted">{t('report.sign.hint')}</p>
          <Field label={t('report.sign.code')} name="code" value={code} onChange={setCode} inputMode="numeric"
            autoComplete="one-time-code" error={fieldError(error, 'code') ?? fieldError(error, 'secondFactor')} />
          <Button type="submit">{t('report.sign.button')}</Button>
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/** ICD-10 codes from the clinic's edition, found by code or words; one of them primary. */
function Diagnoses({ list, lang, error, onChange }: {
  list: Diagnosis[]; lang: Lang; error: unknown; onChange: (l: Diagnosis[]) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Schemas['Disease'][] | null>(null);
  useEffect(() => {
    if (q.trim().length < 2) { setFound(null); return; }
    const timer = setTimeout(() => {
      api.GET('/directory/diseases', { params: { query: { q: q.trim(), language: lang === 'en' ? undefined : lang, limit: 8 } } })
        .then((r) => setFound(must(r))).catch(() => setFound([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q, lang]);
  function add(d: Schemas['Disease']) {
    if (list.some((x) => x.code === d.code)) return;
    onChange([...list, { system: 'icd10', code: d.code!, display: d.translation || d.name, primary: list.length === 0 }]);
    setQ('');
  }
  return (
    <fieldset className="report-block">
      <legend>{t('report.dx.title')}</legend>
      {list.length === 0 ? <p className="muted">{t('report.dx.none')}</p> : (
        <ul className="report-lines">
          {list.map((d, i) => (
            <li key={d.code}>
              <bdi dir="ltr" className="code">{d.code}</bdi> <bdi>{d.display}</bdi>
              <label className="check"><input type="radio" name="primary" checked={d.primary}
                onChange={() => onChange(list.map((x, j) => ({ ...x, primary: j === i })))} /> {t('report.dx.primary')}</label>
              <Button variant="secondary" aria-label={t('report.dx.remove', { code: d.code })}
                onPress={() => onChange(list.filter((_, j) => j !== i))}>×</Button>
              {fieldError(error, `diagnoses[${i}].code`) && <span className="error">{fieldError(error, `diagnoses[${i}].code`)}</span>}
            </li>
          ))}
        </ul>
      )}
      <label>{t('report.dx.search')}
        <input type="search" name="diagnosisSearch" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      </label>
      {found && found.length === 0 && <p className="muted">{t('report.dx.noMatch')}</p>}
      {found && found.length > 0 && (
        <ul className="report-found" aria-label={t('report.dx.title')}>
          {found.map((d) => (
            <li key={d.code}><Button variant="secondary" onPress={() => add(d)} aria-label={t('report.dx.add', { code: d.code })}>
              <bdi dir="ltr" className="code">{d.code}</bdi> {d.translation || d.name}</Button></li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** The e-prescription: medicines from the clinic's formulary (or written in by name), each line's dose and how. */
function Prescription({ list, error, onChange }: { list: Medication[]; error: unknown; onChange: (l: Medication[]) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Schemas['Medicine'][] | null>(null);
  useEffect(() => {
    if (q.trim().length < 2) { setFound(null); return; }
    const timer = setTimeout(() => {
      api.GET('/directory/medicines', { params: { query: { q: q.trim(), limit: 8 } } })
        .then((r) => setFound(must(r))).catch(() => setFound([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  const label = (m: Schemas['Medicine']) => [m.name, m.strength, m.form].filter(Boolean).join(' ');
  function add(m: Medication) {
    onChange([...list, m]);
    setQ('');
  }
  const set = (i: number, patch: Partial<Medication>) => onChange(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  // a mistyped number goes as -1, which the API refuses at its field, rather than being dropped
  const num = (v: string) => (v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : -1);
  return (
    <fieldset className="report-block">
      <legend>{t('report.rx.title')}</legend>
      {list.length === 0 && <p className="muted">{t('report.rx.none')}</p>}
      {list.map((m, i) => (
        <fieldset key={i} className="report-rx" aria-label={m.name}>
          <legend>{m.name}{!m.medicineId && <span className="muted"> ({t('report.rx.notListed')})</span>}</legend>
          <div className="grid2">
            <Field label={t('report.rx.dose')} name={`dose-${i}`} value={m.dose ?? ''} onChange={(v) => set(i, { dose: v })}
              error={fieldError(error, `medications[${i}].dose`)} />
            <Field label={t('report.rx.route')} name={`route-${i}`} value={m.route ?? ''} onChange={(v) => set(i, { route: v })} />
            <Field label={t('report.rx.frequency')} name={`frequency-${i}`} value={m.frequency ?? ''}
              onChange={(v) => set(i, { frequency: v })} error={fieldError(error, `medications[${i}].frequency`)} />
            <Field label={t('report.rx.duration')} name={`duration-${i}`} value={m.duration ?? ''} onChange={(v) => set(i, { duration: v })} />
            <Field label={t('report.rx.quantity')} name={`quantity-${i}`} inputMode="numeric"
              value={m.quantity == null ? '' : String(m.quantity)} onChange={(v) => set(i, { quantity: num(v) })}
              error={fieldError(error, `medications[${i}].quantity`)} />
            <Field label={t('report.rx.refills')} name={`refills-${i}`} inputMode="numeric"
              value={m.refills == null ? '' : String(m.refills)} onChange={(v) => set(i, { refills: num(v) })}
              error={fieldError(error, `medications[${i}].refills`)} />
          </div>
          <Field label={t('report.rx.instructions')} name={`instructions-${i}`} value={m.instructions ?? ''}
            onChange={(v) => set(i, { instructions: v })} />
          {fieldError(error, `medications[${i}].medicineId`) && <p className="error">{fieldError(error, `medications[${i}].medicineId`)}</p>}
          <div className="actions">
            {i > 0 && <Button variant="secondary" onPress={() => onChange(moveTo(list, i, i - 1))}>↑</Button>}
            <Button variant="danger" onPress={() => onChange(list.filter((_, j) => j !== i))}>{t('report.rx.remove', { name: m.name })}</Button>
          </div>
        </fieldset>
      ))}
      <label>{t('report.rx.search')}
        <input type="search" name="medicineSearch" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      </label>
      {found && found.length === 0 && <p className="muted">{t('report.rx.noMatch')}</p>}
      {found && found.length > 0 && (
        <ul className="report-found" aria-label={t('report.rx.title')}>
          {found.map((m) => (
            <li key={m.id}><Button variant="secondary" onPress={() => add({ medicineId: m.id, name: label(m), route: m.route })}>
              {t('report.rx.add', { name: label(m) })}</Button></li>
          ))}
        </ul>
      )}
      {q.trim().length >= 2 && (
        <Button variant="secondary" onPress={() => add({ name: q.trim() })}>{t('report.rx.addByName')}: {q.trim()}</Button>
      )}
    </fieldset>
  );
}

function Orders({ list, error, onChange }: { list: Order[]; error: unknown; onChange: (l: Order[]) => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'lab' | 'imaging'>('lab');
  const [text, setText] = useState('');
  const [code, setCode] = useState('');
  return (
    <fieldset className="report-block">
      <legend>{t('report.orders.title')}</legend>
      {list.length === 0 ? <p className="muted">{t('report.orders.none')}</p> : (
        <ul className="report-lines">
          {list.map((o, i) => (
            <li key={i}><span>{t(`report.orders.${o.kind}`)}: {o.text}{o.code && <> (<bdi dir="ltr">{o.code}</bdi>)</>}</span>
              <Button variant="secondary" onPress={() => onChange(list.filter((_, j) => j !== i))}>{t('report.orders.remove')}</Button>
              {fieldError(error, `orders[${i}].text`) && <span className="error">{fieldError(error, `orders[${i}].text`)}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="grid2">
        <label>{t('report.orders.kind')}
          <select name="orderKind" value={kind} onChange={(e) => setKind(e.target.value as 'lab' | 'imaging')}>
            <option value="lab">{t('report.orders.lab')}</option><option value="imaging">{t('report.orders.imaging')}</option>
          </select>
        </label>
        <Field label={t('report.orders.text')} name="orderText" value={text} onChange={setText} />
        <Field label={t('report.orders.code')} name="orderCode" value={code} onChange={setCode} />
      </div>
      <Button variant="secondary" isDisabled={!text.trim()} onPress={() => {
        onChange([...list, { kind, text: text.trim(), code: code.trim() || undefined }]); setText(''); setCode('');
      }}>{t('report.orders.add')}</Button>
    </fieldset>
  );
}

/** A signed report as its readers see it: the content, the signed PDF, sharing and addenda for its doctor. */
function Signed({ report, author, onChange, onNotice }: {
  report: Report; author: boolean; onChange: (r: Report) => void; onNotice: (s: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [text, setText] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const c = { ...emptyContent(), ...(report.content as Content) };
  const when = (iso?: string) => (iso ? formatDateTime(iso, lang, calendar) : '');
  const { session } = useAuth();
  const patient = session?.user.roles.includes('patient') ?? false;

  async function share() {
    setError(null);
    try {
      onChange(must(await api.POST('/encounters/{encounterId}/report/share', { params: { path: { encounterId: report.encounterId! } } })));
      onNotice(t('report.sharedNow'));
    } catch (e) { setError(e); }
  }
  async function addendum() {
    setError(null);
    try {
      onChange(must(await api.POST('/encounters/{encounterId}/report/addenda', {
        params: { path: { encounterId: report.encounterId! } }, body: { text, code: code.trim() },
      })) as unknown as Report);
      setText(''); setCode('');
      onNotice(t('report.addenda.added'));
    } catch (e) { setError(e); }
  }

  return (
    <div className="report-view">
      <p className="report-meta"><StatusBadge status={report.status} />
        {report.signedAt && <> {t('report.signedBy', { who: report.signerSubject?.replace(/^.*CN=([^,]+).*$/, '$1') ?? report.signedBy, when: when(report.signedAt) })}</>}
      </p>
      {/* the headings in the reader's language; what the doctor wrote in the report's, each paragraph in its own direction */}
      <article className="card report-content">
        {SECTIONS.map((s) => c[s] ? <section key={s}><h2>{t(`report.sections.${s}`)}</h2><p className="pre" lang={c.language} dir="auto">{c[s]}</p></section> : null)}
        {c.diagnoses.length > 0 && <section><h2>{t('report.dx.title')}</h2><ul>{c.diagnoses.map((d) => (
          <li key={d.code}><bdi dir="ltr">{d.code}</bdi> <bdi>{d.display}</bdi>{d.primary ? ` (${t('report.dx.primary')})` : ''}</li>))}</ul></section>}
        {c.medications.length > 0 && <section><h2>{t('report.rx.title')}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('report.rx.title')}>
            <table className="data"><thead><tr><th>{t('report.rx.medicine')}</th><th>{t('report.rx.dose')}</th><th>{t('report.rx.route')}</th>
              <th>{t('report.rx.frequency')}</th><th>{t('report.rx.duration')}</th><th>{t('report.rx.quantity')}</th><th>{t('report.rx.refills')}</th></tr></thead>
              <tbody>{c.medications.map((m, i) => <tr key={i}><td><bdi>{m.name}</bdi>{m.instructions && <div className="muted"><bdi>{m.instructions}</bdi></div>}</td>
                <td><bdi>{m.dose}</bdi></td><td><bdi>{m.route}</bdi></td><td><bdi>{m.frequency}</bdi></td><td><bdi>{m.duration}</bdi></td><td>{m.quantity != null ? formatNumber(m.quantity, lang) : ''}</td><td>{m.refills != null ? formatNumber(m.refills, lang) : ''}</td></tr>)}</tbody>
            </table></div></section>}
        {c.orders.length > 0 && <section><h2>{t('report.orders.title')}</h2><ul>{c.orders.map((o, i) => (
          <li key={i}>{t(`report.orders.${o.kind}`)}: <bdi>{o.text}</bdi></li>))}</ul></section>}
        {c.followUp && (c.followUp.days != null || c.followUp.note) && <section><h2>{t('report.followUp.title')}</h2>
          <p>{c.followUp.days != null ? t('report.followUp.inDays', { days: formatNumber(c.followUp.days, lang) }) : ''} <bdi>{c.followUp.note}</bdi></p>
          {/* the patient books it from the doctor's free times, in one step */}
          {patient && c.followUp.days != null && <p><Link to={`/find?doctor=${report.doctorId}`}>{t('report.followUp.book')}</Link></p>}
        </section>}
      </article>
      {report.pdf && <p><a href={`/api/v1/${report.pdf}`} target="_blank" rel="noopener" data-testid="report-pdf">{t('report.pdf')}</a>
        {report.pdfSha256 && <span className="muted fingerprint"> · {t('report.fingerprint')}: <bdi dir="ltr">{report.pdfSha256.slice(0, 16)}…</bdi></span>}</p>}
      {!patient && report.status === 'signed' && (
        <section className="report-deliveries" aria-labelledby="report-deliveries">
          <h2 id="report-deliveries">{t('report.deliveries.title')}</h2>
          {(report.deliveries ?? []).length === 0 ? <p className="muted">{t('report.deliveries.none')}</p> : (
            <ul className="report-lines" data-testid="report-deliveries">{report.deliveries!.map((d) => (
              <li key={d.system}><span><bdi dir="ltr">{d.system}</bdi>: {t(`report.deliveries.state.${d.state}`, { defaultValue: d.state })}
                {d.lastError && d.state !== 'delivered' && <span className="muted"> — <bdi>{d.lastError}</bdi></span>}</span></li>))}</ul>
          )}
        </section>
      )}
      {author && (report.sharedAt ? <p>{t('report.shared', { when: when(report.sharedAt) })}</p>
        : <Button onPress={share}>{t('report.share')}</Button>)}
      <section className="report-addenda">
        <h2>{t('report.addenda.title')}</h2>
        {(report.addenda ?? []).length === 0 ? <p className="muted">{t('report.addenda.none')}</p> : (
          <ul>{report.addenda!.map((a) => <li key={a.id}><p className="pre">{a.text}</p>
            <a href={`/api/v1/${a.pdf}`} target="_blank" rel="noopener">{t('report.addenda.pdf', { when: when(a.signedAt) })}</a>
            {/* where the addendum went: the EHR's report amended, the PACS a new document */}
            {!patient && (a.deliveries ?? []).length > 0 && <p className="muted" data-testid="addendum-deliveries">{a.deliveries!.map((d, i) => (
              <span key={d.system}>{i > 0 && ' · '}<bdi dir="ltr">{d.system}</bdi>: {t(`report.deliveries.state.${d.state}`, { defaultValue: d.state })}</span>))}</p>}
          </li>)}</ul>
        )}
        {author && (
          <form className="card" onSubmit={(e) => { e.preventDefault(); void addendum(); }}>
            <Field label={t('report.addenda.text')} name="addendum" value={text} onChange={setText} multiline error={fieldError(error, 'text')} />
            <Field label={t('report.sign.code')} name="addendumCode" value={code} onChange={setCode} inputMode="numeric"
              autoComplete="one-time-code" error={fieldError(error, 'code')} />
            <Button type="submit">{t('report.addenda.add')}</Button>
          </form>
        )}
      </section>
      <ErrorNote error={error} />
    </div>
  );
}
