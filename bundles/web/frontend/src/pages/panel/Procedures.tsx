import { useTranslation } from 'react-i18next';
import { type Schemas } from '../../api/client';
import { formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';

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

export default function Procedures({ adapter, procedures }: { adapter: Adapter; procedures: Procedure[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
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
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
