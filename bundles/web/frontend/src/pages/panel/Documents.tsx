import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote } from '../../ui';

type Adapter = Schemas['AdapterStatus'];
type ClinicalDocument = Schemas['ClinicalDocument'];

/** The completion statuses the panel names in the reader's language (HL7 table 0271); any other as the system wrote it. */
const KNOWN = new Set(['AU', 'LA', 'DI', 'DO', 'IN', 'IP', 'PA']);

/** A document's size as a reader takes it in: bytes, KB or MB, in the reader's digits. */
export function sizeLabel(bytes: number, lang: Lang): { key: 'bytes' | 'kb' | 'mb'; n: string } {
  if (bytes < 1024) return { key: 'bytes', n: formatNumber(bytes, lang) };
  if (bytes < 1024 * 1024) return { key: 'kb', n: formatNumber(Math.round(bytes / 1024), lang) };
  return { key: 'mb', n: formatNumber(Math.round(bytes / 104857.6) / 10, lang) };
}

/** The kind of content as the button names it: PDF, picture, or a file. */
export function contentKind(contentType?: string): 'pdf' | 'image' | 'file' {
  if (contentType === 'application/pdf') return 'pdf';
  return contentType?.startsWith('image/') ? 'image' : 'file';
}

/**
 * The documents a system keeps about the patient (a procedure's report from the endoscopy suite, a letter), newest
 * first: what and when, who wrote it, the order it reports on, its words, and its content (the report's PDF), which
 * the clinician downloads as the system sent it. An addendum says which document it adds to.
 */
export default function Documents({ adapter, documents, systemPatientId }: {
  adapter: Adapter; documents: ClinicalDocument[]; systemPatientId: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function download(d: ClinicalDocument) {
    setError(null);
    setBusy(d.id!);
    try {
      const r = await api.GET('/integration/ehr/patient/{patientId}/documents/{documentId}', {
        params: { path: { patientId: systemPatientId, documentId: d.id! }, query: { adapterId: adapter.id! } },
        parseAs: 'blob',
      });
      if (!r.response.ok || !(r.data instanceof Blob)) throw r.error ?? new Error(`HTTP ${r.response.status}`);
      const url = URL.createObjectURL(r.data);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${(d.title || d.type || 'document').replace(/[\\/:*?"<>|]+/g, ' ').trim()}${extension(d.contentType)}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card documents" data-system={adapter.id} aria-labelledby={`docs-${adapter.id}`}>
      <h2 id={`docs-${adapter.id}`}>{t('panel.documents.title')} <span className="muted">{t('panel.documents.from', { system: adapter.id })}</span></h2>
      <ErrorNote error={error} />
      {documents.length === 0 && <p>{t('panel.documents.none')}</p>}
      <ul className="studies">
        {documents.map((d) => {
          const size = sizeLabel(d.contentBytes ?? 0, lang);
          return (
            <li key={d.id} className="study document" data-document={d.id}>
              <h3>{d.title || d.type || t('panel.documents.untitled')}</h3>
              <dl className="facts">
                <dt>{t('panel.documents.when')}</dt>
                <dd>{d.authored ? formatDateTime(d.authored, lang, calendar) : '—'}</dd>
                {d.author && <><dt>{t('panel.documents.author')}</dt><dd>{d.author}</dd></>}
                {d.orderNumber && <><dt>{t('panel.documents.order')}</dt><dd dir="ltr">{d.orderNumber}</dd></>}
                <dt>{t('panel.documents.status')}</dt>
                <dd>{d.status && KNOWN.has(d.status) ? t(`panel.documents.states.${d.status}`) : d.status || '—'}</dd>
                {d.parentId && <><dt>{t('panel.documents.addendumTo')}</dt><dd dir="ltr">{d.parentId}</dd></>}
              </dl>
              {d.text && <p className="document-text" dir="auto">{d.text}</p>}
              {d.contentType && (
                <div className="actions">
                  <Button variant="secondary" isDisabled={busy === d.id} onPress={() => { void download(d); }}>
                    {t(`panel.documents.open.${contentKind(d.contentType)}`, { size: t(`panel.documents.size.${size.key}`, { n: size.n }) })}
                  </Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function extension(contentType?: string): string {
  return contentType === 'application/pdf' ? '.pdf' : contentType === 'image/jpeg' ? '.jpg'
    : contentType === 'image/png' ? '.png' : '';
}
