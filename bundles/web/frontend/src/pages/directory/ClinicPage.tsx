import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import type { Lang } from '../../format';
import { ErrorNote } from '../../ui';
import { Covered, NextSlot, type Profile, SpecialityNames, useSpecialities } from './common';
import { formatDay, WEEKDAYS, weekdayName } from './hours';
import { pictureUrl } from './pictures';

type Clinic = Schemas['Clinic'];

/** Times in the reader's digits (Persian: ۰۸:۰۰). */
function localDigits(s: string, lang: string): string {
  return lang === 'fa' ? s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d))) : s;
}

/** /clinics/:id: a clinic as patients see it: where, how to reach it, when it is open, and its doctors. */
export default function ClinicPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { id } = useParams();
  const specialities = useSpecialities();
  const [clinic, setClinic] = useState<Clinic | null>(null);
  const [doctors, setDoctors] = useState<Profile[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!id) return;
    api.GET('/directory/clinics/{id}', { params: { path: { id } } }).then((r) => setClinic(must(r))).catch(setError);
    api.GET('/directory/doctors', { params: { query: { clinicId: id, limit: 100 } } })
      .then((r) => setDoctors(must(r).items ?? [])).catch(setError);
  }, [id]);
  if (!clinic) return <section><h1>{t('directory.clinics.title')}</h1>{error ? <ErrorNote error={error} /> : <p>{t('loading')}</p>}</section>;
  const hours = clinic.openingHours ?? {};
  return (
    <section aria-labelledby="clinic-title">
      <h1 id="clinic-title">{clinic.name}</h1>
      <div className="card">
        {clinic.logo && <img className="clinic-logo" src={pictureUrl('logo', clinic.id!, clinic.logo)} alt={t('directory.pictures.logoAlt', { name: clinic.name })} />}
        <dl className="facts profile-facts">
          {clinic.address && <><dt>{t('directory.clinics.address')}</dt><dd dir="auto">{clinic.address}</dd></>}
          {clinic.phone && <><dt>{t('directory.clinics.phone')}</dt><dd><a href={`tel:${clinic.phone}`}><bdi dir="ltr">{clinic.phone}</bdi></a></dd></>}
          {clinic.email && <><dt>{t('directory.clinics.email')}</dt><dd><a href={`mailto:${clinic.email}`}><bdi dir="ltr">{clinic.email}</bdi></a></dd></>}
          {clinic.timeZone && <><dt>{t('directory.clinics.timeZone')}</dt><dd><bdi dir="ltr">{clinic.timeZone}</bdi></dd></>}
        </dl>
        <h2>{t('directory.clinics.openingHours')}</h2>
        <table className="data opening-hours">
          <tbody>
            {WEEKDAYS.map((d) => (
              <tr key={d}><th scope="row">{weekdayName(d, lang)}</th>
                <td>{hours[d]?.length ? <bdi dir="ltr">{localDigits(formatDay(hours[d]).replace(/-/g, '–'), lang)}</bdi> : t('directory.clinics.closed')}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('directory.clinics.doctors')}</h2>
      {doctors && doctors.length === 0 && <p>{t('find.noDoctors')}</p>}
      <ul className="doctors">
        {(doctors ?? []).map((d) => (
          <li key={d.doctorId} className="card">
            <h3>{d.photo && <img className="avatar" src={pictureUrl('photo', d.doctorId!, d.photo)} alt="" />}<Link to={`/doctors/${d.doctorId}`}>{d.displayName}</Link></h3>
            <p>{SpecialityNames.of(d, specialities, lang)}</p>
            <p><NextSlot profile={d} /> <Covered profile={d} /></p>
          </li>
        ))}
      </ul>
      <ErrorNote error={error} />
    </section>
  );
}
