import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button } from '../../ui';
import OpenViewer from './OpenViewer';

type Adapter = Schemas['AdapterStatus'];

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
 * A system's procedures for the patient: where each stands (scheduled, or as the system reported performing it) and
 * the images it sent for it (kept in the hub: counted by the procedure's study, shown in the viewer).
 */
export default function Procedures({ adapter, procedures, systemPatientId }: {
  adapter: Adapter; procedures: Procedure[]; systemPatientId?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [images, setImages] = useState<Record<string, number>>({});
  const [viewing, setViewing] = useState<string | null>(null);
  useEffect(() => {
    if (!systemPatientId) return undefined;
    const ctl = new AbortController();
    api.GET('/integration/pacs/instances', { params: { query: { adapterId: adapter.id!, patientId: systemPatientId } },
      signal: ctl.signal }).then((r) => {
      const byStudy: Record<string, number> = {};
      for (const row of must(r)) byStudy[row.studyInstanceUid!] = (byStudy[row.studyInstanceUid!] ?? 0) + 1;
      setImages(byStudy);
    }).catch(() => { /* images are an extra: the procedures stand without them */ });
    return () => ctl.abort();
  }, [adapter.id, systemPatientId]);
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
