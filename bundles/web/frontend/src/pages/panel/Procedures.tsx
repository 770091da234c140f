import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, formatPercent, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button } from '../../ui';
import OpenViewer from './OpenViewer';

type Adapter = Schemas['AdapterStatus'];
type Analysis = Schemas['AnalysisView'];

/** Structured reports (the analyses sent back, DICOM SR) are findings, not images. */
const SR = '1.2.840.10008.5.1.4.1.1.88.';

/** A procedure as an endoscopy (or other procedure) system answers it in the patient read. */
export interface Procedure {
  procedureId?: string; type?: string; performedAt?: string; status?: string; accessionNumber?: string;
  studyInstanceUid?: string; stationAe?: string; modality?: string;
}

/** The statuses the panel names in the reader's language; any other is shown as the system wrote it. */
const KNOWN = new Set(['SCHEDULED', 'ARRIVED', 'READY', 'STARTED', 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED']);

/** The procedures a system has for the patient (scheduled steps of an endoscopy worklist), soonest first. */
export function sortedProcedures(items: Procedure[]): Procedure[] {
  return [...items].sort((a, b) => (a.performedAt ?? '9999').localeCompare(b.performedAt ?? '9999'));
}

/**
 * How many images the system sent for each study: structured reports are findings, not images, and what the hub made
 * from a finding sent back (its SR, its secondary capture: the deliveries' remote ids) was not sent by the system.
 */
export function imagesByStudy(rows: { studyInstanceUid?: string; sopInstanceUid?: string; sopClassUid?: string }[],
  analyses: { remoteId?: string }[]): Record<string, number> {
  const madeHere = new Set(analyses.flatMap((a) => (a.remoteId ?? '').split(',')));
  const byStudy: Record<string, number> = {};
  for (const row of rows) {
    if (row.sopClassUid?.startsWith(SR) || madeHere.has(row.sopInstanceUid ?? '')) continue;
    byStudy[row.studyInstanceUid!] = (byStudy[row.studyInstanceUid!] ?? 0) + 1;
  }
  return byStudy;
}

/** A finding as the clinician reads it: the coded meaning (or the summary), how sure, and who found it. */
export function findingLine(a: Analysis, lang: Lang): string {
  const what = a.findingDisplay ?? a.summary ?? '';
  return a.confidence == null ? what : `${what} · ${formatPercent(a.confidence, lang)}`;
}

/**
 * A system's procedures for the patient: where each stands (scheduled, or as the system reported performing it), the
 * images it sent for it (kept in the hub: counted by the procedure's study, shown in the viewer) and the analyses sent
 * back to it (an AI's finding with its confidence, and whether it reached the system).
 */
export default function Procedures({ adapter, procedures, patientId, systemPatientId }: {
  adapter: Adapter; procedures: Procedure[]; patientId?: string; systemPatientId?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [rows, setRows] = useState<Schemas['Row'][]>([]);
  const [viewing, setViewing] = useState<string | null>(null);
  useEffect(() => {
    if (!systemPatientId) return undefined;
    const ctl = new AbortController();
    api.GET('/integration/pacs/instances', { params: { query: { adapterId: adapter.id!, patientId: systemPatientId } },
      signal: ctl.signal }).then((r) => setRows(must(r)))
      .catch(() => { /* images are an extra: the procedures stand without them */ });
    return () => ctl.abort();
  }, [adapter.id, systemPatientId]);
  const [analyses, setAnalyses] = useState<Analysis[]>([]);
  useEffect(() => {
    if (!patientId) return undefined;
    const ctl = new AbortController();
    api.GET('/integration/endoscopy/analyses', { params: { query: { patientId, adapterId: adapter.id! } },
      signal: ctl.signal }).then((r) => setAnalyses(must(r)))
      .catch(() => { /* findings are an extra too */ });
    return () => ctl.abort();
  }, [adapter.id, patientId]);
  const images = imagesByStudy(rows, analyses);
  return (
    <section className="card procedures" data-system={adapter.id} aria-labelledby={`proc-${adapter.id}`}>
      <h2 id={`proc-${adapter.id}`}>{t('panel.procedures.title')} <span className="muted">{t('panel.procedures.from', { system: adapter.id })}</span></h2>
      {procedures.length === 0 && <p>{t('panel.procedures.none')}</p>}
      <ul className="studies">
        {sortedProcedures(procedures).map((p, i) => (
          <li key={p.procedureId ?? i} className="study procedure" data-procedure={p.procedureId}>
            <dl className="facts">
              <dt>{t('panel.procedures.when')}</dt>
              <dd>{p.performedAt ? formatDateTime(p.performedAt, lang, calendar) : '—'}</dd>
              <dt>{t('panel.procedures.what')}</dt><dd>{p.type || '—'}</dd>
              <dt>{t('panel.procedures.status')}</dt>
              <dd>{p.status && KNOWN.has(p.status) ? t(`panel.procedures.states.${p.status.replace(' ', '_')}`) : p.status || '—'}</dd>
              <dt>{t('panel.procedures.station')}</dt><dd dir="ltr">{p.stationAe || '—'}</dd>
              <dt>{t('panel.procedures.accession')}</dt><dd dir="ltr">{p.accessionNumber || '—'}</dd>
              {p.studyInstanceUid && images[p.studyInstanceUid] ? (
                <><dt>{t('panel.procedures.images')}</dt><dd>{formatNumber(images[p.studyInstanceUid], lang)}</dd></>
              ) : null}
            </dl>
            {analyses.some((a) => a.procedureId === p.procedureId) && (
              <div className="findings">
                <h3>{t('panel.procedures.findings')}</h3>
                <ul>
                  {analyses.filter((a) => a.procedureId === p.procedureId).map((a) => (
                    <li key={a.deliveryId} className="finding" data-state={a.state}>
                      <strong>{findingLine(a, lang)}</strong>
                      {a.summary && a.findingDisplay && <span> — {a.summary}</span>}
                      <span className="muted">
                        {' · '}{a.algorithmName ? t('panel.procedures.by', { name: [a.algorithmName, a.algorithmVersion].filter(Boolean).join(' ') }) : ''}
                        {a.algorithmName ? ' · ' : ''}{t(`panel.procedures.sent.${a.state ?? 'queued'}`)}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {p.studyInstanceUid && images[p.studyInstanceUid] ? (
              <div className="actions">
                <Button variant="secondary" onPress={() => setViewing(p.studyInstanceUid!)}>{t('panel.procedures.view')}</Button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {viewing && <OpenViewer adapterId={adapter.id!} studyUid={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
