import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDate, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Notice } from '../../ui';
import OpenViewer from './OpenViewer';

type Study = Schemas['ImagingStudy'];
type Adapter = Schemas['AdapterStatus'];

/** One PACS's studies of the patient: retrieve into the hub (progress by the instances arriving), then view. */
export default function Imaging({ adapter, systemPatientId }: { adapter: Adapter; systemPatientId: string }) {
  const { t } = useTranslation();
  const [studies, setStudies] = useState<Study[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    api.GET('/integration/pacs/find-studies', {
      params: { query: { adapterId: adapter.id!, patientId: systemPatientId, limit: 100 } }, signal: ctl.signal,
    }).then((r) => setStudies(must(r))).catch((e) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [adapter.id, systemPatientId]);
  return (
    <section className="card imaging" data-system={adapter.id} aria-labelledby={`img-${adapter.id}`}>
      <h2 id={`img-${adapter.id}`}>{t('panel.imaging.title')} <span className="muted">{t('panel.imaging.from', { system: adapter.id })}</span></h2>
      <ErrorNote error={error} />
      {studies === null && !error && <p>{t('loading')}</p>}
      {studies && studies.length === 0 && <p>{t('panel.imaging.none')}</p>}
      <ul className="studies">
        {studies?.map((s) => <StudyRow key={s.studyInstanceUid} adapterId={adapter.id!} systemPatientId={systemPatientId}
          study={s} onView={() => setViewing(s.studyInstanceUid!)} />)}
      </ul>
      {viewing && <OpenViewer adapterId={adapter.id!} studyUid={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}

function StudyRow({ adapterId, systemPatientId, study, onView }: {
  adapterId: string; systemPatientId: string; study: Study; onView: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<Schemas['RetrieveAnswer'] | null>(null);
  const [have, setHave] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const total = study.numberOfInstances ?? 0;

  async function countHere(): Promise<number> {
    const rows = must(await api.GET('/integration/pacs/instances', { params: { query: { adapterId, patientId: systemPatientId } } }));
    return rows.filter((r) => r.studyInstanceUid === study.studyInstanceUid).length;
  }
  // what the hub already holds of this study (retrieved before): viewable at once
  useEffect(() => { countHere().then(setHave).catch(() => setHave(0)); // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [adapterId, systemPatientId, study.studyInstanceUid]);

  async function retrieve() {
    setError(null);
    setResult(null);
    setProgress({ done: 0, total });
    // the retrieve is one request; its progress is the study's instances arriving in the hub's store
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 400));
        if (!polling) break;
        try { const done = await countHere(); if (polling) setProgress({ done, total }); } catch { /* next round */ }
      }
    })();
    try {
      const r = must(await api.POST('/integration/pacs/retrieve', {
        body: { adapterId, studyInstanceUid: study.studyInstanceUid, patientId: systemPatientId },
      }));
      setResult(r);
      setHave((r.instances ?? []).length);
    } catch (e) { setError(e); } finally {
      polling = false;
      await poll;
      setProgress(null);
    }
  }

  return (
    <li className="study" data-study={study.studyInstanceUid}>
      <dl className="facts">
        <dt>{t('panel.imaging.date')}</dt><dd>{study.studyDate ? formatDate(study.studyDate, lang, calendar, 'UTC') : '—'}</dd>
        <dt>{t('panel.imaging.modality')}</dt><dd>{(study.modalities ?? []).join(', ') || '—'}</dd>
        <dt>{t('panel.imaging.description')}</dt><dd>{study.description || '—'}</dd>
        <dt>{t('panel.imaging.images')}</dt><dd>{formatNumber(total, lang)}</dd>
      </dl>
      <div className="actions">
        <Button onPress={retrieve} isDisabled={!!progress}>{t('panel.imaging.retrieve')}</Button>
        {have > 0 && <Button variant="secondary" onPress={onView}>{t('panel.imaging.view')}</Button>}
      </div>
      {progress && (
        <div className="retrieving">
          <progress max={Math.max(progress.total, 1)} value={progress.done}
            aria-label={t('panel.imaging.retrieving', { done: formatNumber(progress.done, lang), total: formatNumber(progress.total, lang) })} />
          <span>{t('panel.imaging.retrieving', { done: formatNumber(progress.done, lang), total: formatNumber(progress.total, lang) })}</span>
        </div>
      )}
      {result && <Notice>{t('panel.imaging.retrieved', { completed: formatNumber(result.completed ?? 0, lang), failed: formatNumber(result.failed ?? 0, lang) })}</Notice>}
      <ErrorNote error={error} />
    </li>
  );
}
