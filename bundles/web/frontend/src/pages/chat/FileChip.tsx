import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must } from '../../api/client';
import { fileSize, type Attachment } from './logic';

/** Download links of an attachment (a few minutes valid, for members only): the file, and an image's preview. */
async function linksOf(id: string): Promise<{ url: string; previewUrl?: string | null }> {
  const link = must(await api.POST('/conversations/files/{attachmentId}/link', { params: { path: { attachmentId: id } } }));
  if (!link.url) throw new Error('The hub gave no link');
  return { url: link.url, previewUrl: link.previewUrl };
}

/**
 * A message's file: its name, size and scan state; a clean image shows the hub's preview of it, any clean file opens
 * by a fresh signed link. A file waiting for its virus scan, or removed by it, says so and cannot be opened.
 */
export default function FileChip({ file }: { file: Attachment }) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // the hub makes a preview of an image (upright, without the photo's EXIF; HEIC too): shown instead of the original
  const image = file.scan === 'clean' && file.contentType.startsWith('image/');

  useEffect(() => {
    if (!image) return;
    let live = true;
    linksOf(file.id).then((l) => { if (live && l.previewUrl) setPreview(l.previewUrl); },
      (e: Error) => { if (live) setFailed(e.message); });
    return () => { live = false; };
  }, [file.id, image]);

  async function open() {
    setFailed(null);
    try {
      window.location.assign((await linksOf(file.id)).url);
    } catch (e) {
      setFailed((e as Error).message);
    }
  }

  return (
    <div className="file" data-scan={file.scan}>
      {preview && <img src={preview} alt={file.name} className="file-preview" onLoad={(e) => {
        // the last message grew with its picture: keep it in view
        const item = e.currentTarget.closest('li');
        if (item && !item.nextElementSibling) item.scrollIntoView?.({ block: 'nearest' });
      }} />}
      <span className="file-name" dir="auto">{file.name}</span>
      <span className="muted file-size" dir="ltr">{fileSize(file.size)}</span>
      {file.scan === 'clean' && <button type="button" className="linklike" onClick={() => void open()}>{t('chat.file.open')}</button>}
      {file.scan === 'pending' && <span className="muted">{t('chat.file.pending')}</span>}
      {file.scan === 'infected' && <span className="error">{t('chat.file.infected')}</span>}
      {failed && <span className="error">{failed}</span>}
    </div>
  );
}
