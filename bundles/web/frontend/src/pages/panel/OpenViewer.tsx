import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Failsafe } from '../../ui';

// the viewer (DICOM parsing, canvas, codecs) is loaded only when a study is opened: not part of the first page's
// JavaScript
const Viewer = lazy(() => import('./Viewer'));

/** A study of a system opened in the viewer, the same for a PACS study and a procedure's images. */
export default function OpenViewer({ adapterId, studyUid, onClose }: { adapterId: string; studyUid: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Failsafe key={studyUid} message={t('partFailed')}>
      <Suspense fallback={<p>{t('panel.viewer.loading')}</p>}>
        <Viewer adapterId={adapterId} studyUid={studyUid} onClose={onClose} />
      </Suspense>
    </Failsafe>
  );
}
