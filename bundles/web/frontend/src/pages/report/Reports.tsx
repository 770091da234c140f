import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { useAuth } from '../../auth';
import { formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote } from '../../ui';
import { WORKLIST } from './logic';
import SigningCertificate from './SigningCertificate';
import './report.css';

type Summary = Schemas['ReportsSummary'];

/**
 * /reports — a patient's shared reports (newest first, each with its signed PDF), or a doctor's own reports with the
 * ones still to finish or to sign at hand, and the certificate their signatures use.
 */
export default function Reports() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const { session } = useAuth();
  const doctor = session?.user.roles.includes('doctor') ?? false;
  const [status, setStatus] = useState<string | undefined>(doctor ? 'draft' : undefined);
  const [list, setList] = useState<Summary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true; // a quicker later filter's answer is not overwritten by an earlier one's
    api.GET('/reports', { params: { query: { status, limit: 50 } } })
      .then((r) => { if (current) setList(must(r)); }).catch((e) => { if (current) setError(e); });
    return () => { current = false; };
  }, [status]);
  const when = (iso?: string) => (iso ? formatDateTime(iso, lang, calendar) : '—');
  return (
    <section aria-labelledby="reports-title" className="reports-list">
      <h1 id="reports-title">{doctor ? t('report.list.title') : t('report.list.mine')}</h1>
      {doctor && (
        <div className="filters" role="group" aria-label={t('report.list.status')}>
          {[...WORKLIST, undefined].map((s) => (
            <Button key={s ?? 'all'} variant={s === status ? 'primary' : 'secondary'} aria-pressed={s === status}
              onPress={() => setStatus(s)}>
              {s === 'draft' ? t('report.list.drafts') : s === 'approved' ? t('report.list.toSign') : s === 'signed'
                ? t('report.status.signed') : t('report.list.all')}
            </Button>
          ))}
        </div>
      )}
      {list && list.length === 0 && <p>{t('report.list.none')}</p>}
      {list && list.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('report.list.title')}>
          <table className="data">
            <thead><tr>
              <th>{t('report.list.visit')}</th>
              <th>{doctor ? t('report.list.patient') : t('report.list.doctor')}</th>
              <th>{t('report.list.status')}</th>
              <th>{doctor ? t('report.list.updated') : t('report.list.signed')}</th>
              <th><span className="sr-only">{t('report.list.open')}</span></th>
            </tr></thead>
            <tbody>{list.map((r) => (
              <tr key={r.id}>
                <td>{when(r.visitStart)} · {t(`directory.types.${r.visitType}`, { defaultValue: r.visitType })}</td>
                <td>{doctor ? r.patientName : r.doctorName}</td>
                <td>{t(`report.status.${r.status}`)}</td>
                <td>{when(doctor ? r.updatedAt : r.signedAt)}</td>
                <td>
                  <Link to={`/encounters/${r.encounterId}/report`}>{t('report.list.open')}</Link>
                  {!doctor && <> · <a href={`/api/v1/reports/${r.id}/pdf`} target="_blank" rel="noopener">PDF</a></>}
                </td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      <ErrorNote error={error} />
      {doctor && <SigningCertificate />}
    </section>
  );
}
