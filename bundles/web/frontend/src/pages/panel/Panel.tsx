import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { formatNumber, type Lang } from '../../format';
import { ErrorNote } from '../../ui';
import Documents from './Documents';
import Imaging from './Imaging';
import Observations from './Observations';
import Procedures, { type Procedure } from './Procedures';
import './panel.css';

type SystemAnswer = Schemas['SystemAnswer'];
type Adapter = Schemas['AdapterStatus'];

/**
 * How long the panel waits for one system before it stops and says so. The hub answers TIMEOUT after its own
 * per-system bound (5 s by default); this one covers a hub or network that does not answer at all.
 */
export const SYSTEM_BOUND_MS = 15_000;

/** One system's row: loading until its own read answers; a slow one never holds back the others. */
export type SystemState =
  | { kind: 'loading' }
  | { kind: 'answered'; answer: SystemAnswer }
  | { kind: 'failed'; error: unknown }
  | { kind: 'aborted' };

/**
 * Reads one system's part of the patient's record on its own request, aborted after {@link SYSTEM_BOUND_MS}.
 * Exported for the unit test; `read` is the API call.
 */
export async function readSystem(read: (signal: AbortSignal) => Promise<SystemAnswer>, outer: AbortSignal,
  boundMs = SYSTEM_BOUND_MS): Promise<SystemState> {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, boundMs);
  const stop = () => ctl.abort();
  outer.addEventListener('abort', stop);
  try {
    return { kind: 'answered', answer: await read(ctl.signal) };
  } catch (error) {
    return timedOut ? { kind: 'aborted' } : { kind: 'failed', error };
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', stop);
  }
}

export default function Panel() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const [adapters, setAdapters] = useState<Adapter[] | null>(null);
  const [ids, setIds] = useState<Record<string, string>>({});
  const [states, setStates] = useState<Record<string, SystemState>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const outer = new AbortController();
    (async () => {
      try {
        const [status, mapped] = await Promise.all([
          api.GET('/integration/status', { signal: outer.signal }).then(must),
          api.GET('/integration/patient/{patientId}/identifiers', { params: { path: { patientId: id } }, signal: outer.signal }).then(must),
        ]);
        const known = new Set(status.map((a) => a.id!));
        // systems the patient is mapped in whose adapter is gone still get a row (the hub says UNAVAILABLE)
        const all = [...status, ...Object.keys(mapped).filter((k) => !known.has(k)).map((k) => ({ id: k }) as Adapter)];
        setAdapters(all);
        setIds(mapped);
        setStates(Object.fromEntries(all.map((a) => [a.id!, { kind: 'loading' } as SystemState])));
        // marks for the benchmark (bench: first data vs the fastest system's own time), cheap in production
        performance.mark('telehub.panel.reads-started');
        let first = true;
        for (const a of all) {
          const adapterId = a.id!;
          void readSystem(async (signal) => must(await api.GET('/integration/patient/{patientId}/systems/{adapterId}', {
            params: { path: { patientId: id, adapterId } }, signal,
          })), outer.signal).then((s) => {
            if (outer.signal.aborted) return;
            if (first && s.kind === 'answered' && s.answer.status === 'OK') {
              first = false;
              performance.mark('telehub.panel.first-answer');
            }
            setStates((m) => ({ ...m, [adapterId]: s }));
          });
        }
      } catch (err) {
        if (!outer.signal.aborted) setError(err);
      }
    })();
    return () => outer.abort();
  }, [id]);

  // an EHR's observations are asked for once it has answered: a hanging system is not asked twice, and its second
  // request does not take one of the browser's connections to the hub from the others
  const answered = (a: Adapter) => { const st = states[a.id!]; return st?.kind === 'answered' && st.answer.status === 'OK'; };
  const ehrs = (adapters ?? []).filter((a) => a.systemType === 'EHR' && ids[a.id!] && answered(a));
  const pacses = (adapters ?? []).filter((a) => a.systemType === 'PACS' && ids[a.id!]);
  // a list a system's read brought (a procedure system's procedures, the documents of an endoscopy suite's reports
  // over HL7 v2): shown below once the system has answered
  const answeredWith = <T,>(member: string) => (adapters ?? []).flatMap((a): [Adapter, T[]][] => {
    const st = states[a.id!];
    if (st?.kind !== 'answered' || st.answer.status !== 'OK') return [];
    const list = (st.answer as Record<string, unknown>)[member];
    return Array.isArray(list) ? [[a, list as T[]]] : [];
  });
  const procedureSystems = answeredWith<Procedure>('procedures');
  // a document's content is read by the patient's id in that system
  const documentSystems = answeredWith<Schemas['ClinicalDocument']>('documents').filter(([a]) => ids[a.id!]);
  return (
    <section aria-labelledby="panel-title" className="panel">
      <h1 id="panel-title">{t('panel.title')}</h1>
      <ErrorNote error={error} />
      <h2>{t('panel.systems')}</h2>
      {adapters === null && !error && <p>{t('loading')}</p>}
      {adapters && adapters.length === 0 && <p>{t('panel.noSystems')}</p>}
      <ul className="systems" aria-live="polite">
        {(adapters ?? []).map((a) => <SystemCard key={a.id} adapter={a} state={states[a.id!] ?? { kind: 'loading' }} />)}
      </ul>
      {ehrs.map((a) => <Observations key={a.id} adapter={a} systemPatientId={ids[a.id!]} />)}
      {pacses.map((a) => <Imaging key={a.id} adapter={a} systemPatientId={ids[a.id!]} />)}
      {procedureSystems.map(([a, list]) => <Procedures key={a.id} adapter={a} procedures={list} patientId={id} systemPatientId={ids[a.id!]} />)}
      {documentSystems.map(([a, list]) => <Documents key={a.id} adapter={a} documents={list} systemPatientId={ids[a.id!]} />)}
    </section>
  );
}

function SystemCard({ adapter, state }: { adapter: Adapter; state: SystemState }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const label = state.kind === 'loading' ? t('panel.status.loading')
    : state.kind === 'aborted' ? t('panel.status.aborted', { seconds: formatNumber(SYSTEM_BOUND_MS / 1000, lang) })
    : state.kind === 'failed' ? t('panel.status.ERROR')
    : t(`panel.status.${state.answer.status}`, { defaultValue: state.answer.status });
  const tone = state.kind === 'loading' ? 'loading' : state.kind === 'answered' && state.answer.status === 'OK' ? 'ok' : 'bad';
  return (
    <li className="card system" data-system={adapter.id} data-state={state.kind === 'answered' ? state.answer.status : state.kind}
      data-latency={state.kind === 'answered' ? state.answer.latencyMillis : undefined}
      aria-busy={state.kind === 'loading'}>
      <h3>{adapter.id}{adapter.product ? <span className="muted"> · {adapter.vendor} {adapter.product}</span> : null}
        {adapter.systemType ? <span className="muted"> · {adapter.systemType}</span> : null}</h3>
      <p className={`system-status system-${tone}`}>
        {state.kind === 'loading' && <span className="spinner" aria-hidden="true" />}
        {label}
        {state.kind === 'answered' && state.answer.latencyMillis != null &&
          <span className="muted">{t('panel.latency', { ms: formatNumber(state.answer.latencyMillis, lang) })}</span>}
      </p>
      {state.kind === 'failed' && <ErrorNote error={state.error} />}
      {state.kind === 'answered' && state.answer.status !== 'OK' && state.answer.error && <p className="muted">{state.answer.error}</p>}
      {state.kind === 'answered' && state.answer.status === 'OK' && <SystemData answer={state.answer} />}
    </li>
  );
}

/** The answer's own fields; everything else is what the system's capabilities read (rendered as members). */
const ANSWER_FIELDS = new Set(['adapterId', 'systemType', 'status', 'error', 'latencyMillis', 'systemPatientId', 'data']);

/** What the system's capabilities read, as members of the answer (not under `data`: the schema lists that wrongly). */
export function membersOf(answer: SystemAnswer): [string, unknown][] {
  return Object.entries(answer as Record<string, unknown>).filter(([k]) => !ANSWER_FIELDS.has(k));
}

interface Demographics { familyName?: string; givenName?: string; birthDate?: string; sex?: string }

/**
 * The system's record of the patient: its demographics as the system holds them (to compare with ours), and how
 * many observations, studies, procedures and documents it has (shown in the chart and the lists below); any other member briefly.
 */
function SystemData({ answer }: { answer: SystemAnswer }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const members = membersOf(answer);
  return (
    <dl className="facts">
      {answer.systemPatientId && <><dt>{t('panel.systemId')}</dt><dd>{answer.systemPatientId}</dd></>}
      {members.length === 0 && <><dt>{t('panel.noData')}</dt><dd /></>}
      {members.map(([k, v]) => {
        if (k === 'demographics' && v && typeof v === 'object') {
          const d = v as Demographics;
          return (
            <Fragment key={k}>
              <dt>{t('panel.record.name')}</dt><dd>{[d.givenName, d.familyName].filter(Boolean).join(' ') || '—'}</dd>
              <dt>{t('panel.record.birthDate')}</dt><dd>{d.birthDate ? formatNumberedDate(d.birthDate, lang) : '—'}</dd>
              {d.sex && <><dt>{t('panel.record.sex')}</dt><dd>{d.sex}</dd></>}
            </Fragment>
          );
        }
        if ((k === 'observations' || k === 'studies' || k === 'procedures' || k === 'documents') && Array.isArray(v)) {
          return <Fragment key={k}><dt>{t(`panel.record.${k}`)}</dt><dd>{formatNumber(v.length, lang)}</dd></Fragment>;
        }
        return <FieldRow key={k} name={k} value={v} />;
      })}
    </dl>
  );
}

/** A date of birth as the system sent it (a calendar date), in the reader's digits: ۱۹۸۹-۰۴-۱۲ in Persian. */
function formatNumberedDate(iso: string, lang: Lang): string {
  const digits = new Intl.NumberFormat(lang, { useGrouping: false });
  return iso.replace(/[0-9]/g, (d) => digits.format(Number(d)));
}

function FieldRow({ name, value }: { name: string; value: unknown }) {
  const text = value === null || value === undefined ? '—'
    : typeof value === 'object' ? shortJson(value) : String(value);
  return <><dt>{name}</dt><dd>{text}</dd></>;
}

export function shortJson(value: unknown, max = 200): string {
  const s = JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
