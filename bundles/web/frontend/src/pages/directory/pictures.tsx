import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Button, ErrorNote, Notice } from '../../ui';

/** Where a doctor's photo or a clinic's logo is read: the signed-in route, or the public one; the version busts caches. */
export function pictureUrl(kind: 'photo' | 'logo', id: string, version: string, publicRoute = false): string {
  const path = kind === 'photo' ? `doctors/${id}/photo` : `clinics/${id}/logo`;
  return `/api/v1/directory/${publicRoute ? 'public/' : ''}${path}?v=${encodeURIComponent(version)}`;
}

/** Choose an image and upload it (the file as the body), or remove the current one; `onChanged` with the new version. */
export function PictureEditor({ kind, id, version, onChanged }: {
  kind: 'photo' | 'logo'; id: string; version?: string | null; onChanged: (version: string | null) => void;
}) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const photo = kind === 'photo';
  const path = photo ? '/directory/doctors/{id}/photo' as const : '/directory/clinics/{id}/logo' as const;

  async function upload() {
    if (!file) return;
    setError(null); setNotice(null);
    try {
      // the image itself is the body (the hub's upload limit, not JSON's); errors are thrown by the client's middleware
      const r = await api.PUT(path, {
        params: { path: { id } }, body: file as unknown as never, bodySerializer: (b: unknown) => b as Blob,
        headers: { 'Content-Type': 'application/octet-stream' }, // the hub reads the content, not a declared type
      }) as { data?: { version?: string } };
      const v = r.data?.version ?? null;
      setNotice(t(photo ? 'directory.pictures.photoSaved' : 'directory.pictures.logoSaved'));
      onChanged(v);
    } catch (e) { setError(e); }
  }

  async function remove() {
    setError(null); setNotice(null);
    try {
      await api.DELETE(path, { params: { path: { id } } });
      setNotice(t('directory.pictures.photoRemoved'));
      onChanged(null);
    } catch (e) { setError(e); }
  }

  return (
    <fieldset className="picture-edit">
      <legend>{t(photo ? 'directory.pictures.photo' : 'directory.pictures.logo')}</legend>
      <p className="muted">{t('directory.pictures.hint')}</p>
      <input type="file" name={kind} accept="image/png,image/jpeg" aria-label={t(photo ? 'directory.pictures.photo' : 'directory.pictures.logo')}
        onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <div className="actions">
        <Button variant="secondary" isDisabled={!file} onPress={upload}>{t(photo ? 'directory.pictures.uploadPhoto' : 'directory.pictures.uploadLogo')}</Button>
        {version && <Button variant="secondary" onPress={remove}>{t(photo ? 'directory.pictures.removePhoto' : 'directory.pictures.removeLogo')}</Button>}
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
    </fieldset>
  );
}
