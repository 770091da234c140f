import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';

type Certificate = Schemas['Certificate'];

/** A file's bytes as base64, in chunks (a certificate file is small, but spread arguments have a limit). */
async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * The doctor's signing certificate: the clinic's own by default; their own from a real certificate authority as a
 * PKCS#12 file (checked by the hub: password, key and certificate, validity, key usage; refused at the file or the
 * password, with the reason). The password is sent once and never shown again.
 */
export default function SigningCertificate() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const [cert, setCert] = useState<Certificate | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    api.GET('/reports/signing/certificate').then((r) => setCert(must(r))).catch(setError);
  }, []);

  async function upload() {
    if (!file) return;
    setError(null);
    setDone(false);
    try {
      setCert(must(await api.PUT('/reports/signing/certificate', { body: { pkcs12: await base64(file), password } })));
      setPassword('');
      setDone(true);
    } catch (e) { setError(e); }
  }

  const fileError = fieldError(error, 'pkcs12');
  return (
    <section className="signing-certificate" aria-labelledby="signing-title">
      <h2 id="signing-title">{t('report.signing.title')}</h2>
      {cert && (cert.subject ? (
        <p data-testid="signing-certificate">
          {t(cert.source === 'imported' ? 'report.signing.imported' : 'report.signing.clinic')}: <bdi dir="ltr">{cert.subject}</bdi>
          {cert.notAfter && <> · {t('report.signing.until', { when: formatDateTime(cert.notAfter, lang, calendar) })}</>}
        </p>
      ) : <p className="muted" data-testid="signing-certificate">{t('report.signing.none')}</p>)}
      <form className="card" onSubmit={(e) => { e.preventDefault(); void upload(); }}>
        <h3>{t('report.signing.own')}</h3>
        <label className="signing-file">
          <span>{t('report.signing.file')} <bdi dir="ltr">(.p12, .pfx)</bdi></span>
          <input type="file" name="pkcs12" accept=".p12,.pfx,application/x-pkcs12" aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? 'pkcs12-error' : undefined}
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); setDone(false); }} />
        </label>
        {fileError && <p className="error" id="pkcs12-error">{fileError}</p>}
        <Field label={t('report.signing.password')} name="pkcs12Password" type="password" value={password} onChange={setPassword}
          autoComplete="off" error={fieldError(error, 'password')} />
        <Button type="submit" isDisabled={!file}>{t('report.signing.upload')}</Button>
      </form>
      {done && <Notice>{t('report.signing.done')}</Notice>}
      {!fileError && !fieldError(error, 'password') && <ErrorNote error={error} />}
    </section>
  );
}
