import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { useAuth } from '../../auth';
import { formatDate, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import { PictureEditor, pictureUrl } from './pictures';
import { Covered, Fees, listOf, NextSlot, planName, type Profile, Rating, SpecialityNames, useInsurers, useSpecialities } from './common';

type Review = Schemas['Review'];
const TYPES = ['video', 'audio', 'chat', 'in-person'] as const;

/** /doctors/:id (or /doctors/me for a doctor's own): the public profile, its reviews, and its editing by its owners. */
export default function DoctorProfile() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { id: param } = useParams();
  const { session } = useAuth();
  const roles = session?.user.roles ?? [];
  const [id, setId] = useState<string | null>(param === 'me' ? null : param ?? null);
  const [p, setP] = useState<Profile | null>(null);
  const [reviews, setReviews] = useState<Review[] | null>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (param !== 'me') { setId(param ?? null); return; }
    // a doctor's own profile: the doctor record their account acts as
    api.GET('/directory/doctors/me').then((r) => setId(must(r).doctorId!)).catch(setError);
  }, [param]);
  useEffect(() => {
    if (!id) return;
    api.GET('/directory/doctors/{id}', { params: { path: { id } } }).then((r) => setP(must(r))).catch(setError);
    loadReviews(id);
  }, [id]); // eslint-disable-line react-hooks/exhaustive-deps

  async function follow(on: boolean) {
    setError(null);
    try {
      const path = { params: { path: { id: p!.doctorId! } } };
      if (on) await api.PUT('/directory/doctors/{id}/follow', path);
      else await api.DELETE('/directory/doctors/{id}/follow', path);
      setP(must(await api.GET('/directory/doctors/{id}', path)));
    } catch (e) { setError(e); }
  }

  function loadReviews(doctorId: string) {
    api.GET('/directory/doctors/{id}/reviews', { params: { path: { id: doctorId }, query: { limit: 50 } } })
      .then((r) => setReviews(must(r))).catch(setError);
  }

  if (!p) return <section><h1>{t('directory.profilePage.title')}</h1>{error ? <ErrorNote error={error} /> : <p>{t('loading')}</p>}</section>;
  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{p.displayName}</h1>
      <div className="card">
        {p.photo && <img className="doctor-photo" src={pictureUrl('photo', p.doctorId!, p.photo)} alt={t('directory.pictures.photoAlt', { name: p.displayName })} />}
        <ProfileFacts profile={p} linkClinics />
        <p><NextSlot profile={p} /> <Covered profile={p} /></p>
        {roles.includes('patient') && p.following && <p>{t('directory.follow.following', { name: p.displayName })}</p>}
        <div className="actions">
          {roles.includes('patient') && <Link className="btn btn-primary" to={`/find?doctor=${p.doctorId}`}>{t('directory.profilePage.book')}</Link>}
          {roles.includes('patient') && <Button variant="secondary" onPress={() => follow(!p.following)}
            aria-description={p.following ? undefined : t('directory.follow.hint')}>{p.following ? t('directory.follow.unfollow') : t('directory.follow.follow')}</Button>}
          {p.editable && !editing && <Button variant="secondary" onPress={() => { setEditing(true); setNotice(null); }}>{t('directory.profilePage.edit')}</Button>}
        </div>
      </div>
      {editing && <PictureEditor kind="photo" id={p.doctorId!} version={p.photo} onChanged={(v) => setP({ ...p, photo: v ?? undefined })} />}
      {editing && <EditProfile profile={p} onSaved={(np) => { setP(np); setEditing(false); setNotice(t('directory.profilePage.saved')); }}
        onCancel={() => setEditing(false)} />}
      {notice && <Notice>{notice}</Notice>}
      <Reviews reviews={reviews} moderator={roles.includes('admin')} onChanged={() => {
        loadReviews(p.doctorId!);
        api.GET('/directory/doctors/{id}', { params: { path: { id: p.doctorId! } } }).then((r) => setP(must(r))).catch(setError);
      }} lang={lang} />
      <ErrorNote error={error} />
    </section>
  );
}

/** What a profile says, for the signed-in and the public page alike. */
export function ProfileFacts({ profile: p, linkClinics = false }: { profile: Profile; linkClinics?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const specialities = useSpecialities();
  return (
    <dl className="facts profile-facts">
      <dt>{t('directory.profilePage.specialities')}</dt><dd>{SpecialityNames.of(p, specialities, lang) || '—'}</dd>
      <dt>{t('directory.profilePage.clinics')}</dt>
      <dd>{(p.clinics ?? []).length === 0 ? '—' : linkClinics ? (p.clinics ?? []).map((c, i) => (
        <span key={c.id}>{i > 0 && (lang === 'fa' ? '، ' : ', ')}<Link to={`/clinics/${c.id}`}>{c.name}</Link></span>))
        : listOf((p.clinics ?? []).map((c) => c.name!), lang)}</dd>
      <dt>{t('directory.profilePage.languages')}</dt>
      <dd>{listOf((p.languages ?? []).map((l) => t(`directory.languages.${l}`, { defaultValue: l })), lang) || '—'}</dd>
      {p.licence && <><dt>{t('directory.profilePage.licence')}</dt><dd><bdi dir="ltr">{p.licence}</bdi></dd></>}
      {p.qualifications && <><dt>{t('directory.profilePage.qualifications')}</dt><dd><bdi>{p.qualifications}</bdi></dd></>}
      {p.bio && <><dt>{t('directory.profilePage.bio')}</dt><dd className="bio" dir="auto">{p.bio}</dd></>}
      <dt>{t('directory.profilePage.visitTypes')}</dt><dd><Fees profile={p} /></dd>
      <dt>{t('directory.insurance.accepted')}</dt><dd>{listOf((p.acceptedPlans ?? []).map(planName), lang) || '—'}</dd>
      <dt>{t('directory.reviews.title')}</dt><dd><Rating profile={p} /></dd>
    </dl>
  );
}

/** /public/doctors/:id: a doctor's profile for someone not signed in, where their clinic publishes it. */
export function PublicProfile() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [p, setP] = useState<Profile | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!id) return;
    api.GET('/directory/public/doctors/{id}', { params: { path: { id } } }).then((r) => setP(must(r))).catch(setError);
  }, [id]);
  if (!p) return <section><h1>{t('directory.profilePage.title')}</h1>{error ? <p role="alert" className="error">{t('directory.publicProfile.notPublic')}</p> : <p>{t('loading')}</p>}
    <Link to="/login">{t('directory.publicProfile.signIn')}</Link></section>;
  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{p.displayName}</h1>
      <div className="card">
        {p.photo && <img className="doctor-photo" src={pictureUrl('photo', p.doctorId!, p.photo, true)} alt={t('directory.pictures.photoAlt', { name: p.displayName })} />}
        <ProfileFacts profile={p} />
        <div className="actions"><Link className="btn btn-primary" to={`/login?returnTo=${encodeURIComponent(`/find?doctor=${p.doctorId}`)}`}>{t('directory.publicProfile.signIn')}</Link></div>
      </div>
    </section>
  );
}

function EditProfile({ profile, onSaved, onCancel }: { profile: Profile; onSaved: (p: Profile) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const specialities = useSpecialities();
  const [codes, setCodes] = useState<string[]>(profile.specialities ?? []);
  const [languages, setLanguages] = useState((profile.languages ?? []).join(', '));
  const [bio, setBio] = useState(profile.bio ?? '');
  const [qualifications, setQualifications] = useState(profile.qualifications ?? '');
  const [licence, setLicence] = useState(profile.licence ?? '');
  const offered = Object.fromEntries((profile.visitTypes ?? []).map((v) => [v.type!, v]));
  const [types, setTypes] = useState<Record<string, { on: boolean; fee: string; currency: string }>>(Object.fromEntries(
    TYPES.map((ty) => [ty, { on: !!offered[ty], fee: offered[ty]?.fee == null ? '' : String(offered[ty].fee), currency: offered[ty]?.currency ?? 'EUR' }])));
  const insurers = useInsurers();
  // the doctor's own plans (their clinics' are the clinics' to change)
  const [plans, setPlans] = useState<string[] | null>(null);
  useEffect(() => {
    api.GET('/directory/doctors/{id}/plans', { params: { path: { id: profile.doctorId! } } })
      .then((r) => setPlans(must(r).map((x) => x.id!))).catch(() => setPlans([]));
  }, [profile.doctorId]);
  // an administrator places the doctor in clinics (the API refuses anyone else, and a clinic where they still work)
  const { session } = useAuth();
  const admin = !!session?.user.roles.includes('admin');
  const [clinics, setClinics] = useState<{ id: string; name: string }[] | null>(null);
  const [clinicIds, setClinicIds] = useState<string[]>((profile.clinics ?? []).map((c) => c.id!));
  useEffect(() => {
    if (!admin) return;
    api.GET('/directory/clinics').then((r) => setClinics(must(r).filter((c) => c.id && c.name) as { id: string; name: string }[]))
      .catch(() => setClinics(null));
  }, [admin]);
  const [error, setError] = useState<unknown>(null);

  async function save() {
    setError(null);
    try {
      if (plans) must(await api.PUT('/directory/doctors/{id}/plans', { params: { path: { id: profile.doctorId! } }, body: { planIds: plans } }));
      const visitTypes = TYPES.filter((ty) => types[ty].on).map((ty) => ({
        type: ty, fee: types[ty].fee.trim() === '' ? undefined : Number(types[ty].fee), currency: types[ty].fee.trim() === '' ? undefined : types[ty].currency.trim(),
      }));
      onSaved(must(await api.PUT('/directory/doctors/{id}', { params: { path: { id: profile.doctorId! } }, body: {
        specialities: codes, languages: languages.split(/[,،\s]+/).map((l) => l.trim().toLowerCase()).filter(Boolean),
        bio, qualifications, licence, visitTypes, clinicIds: admin && clinics ? clinicIds : undefined,
      } })));
    } catch (e) { setError(e); }
  }

  return (
    <form className="card profile-edit" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <fieldset>
        <legend>{t('directory.profilePage.specialities')}</legend>
        <div className="speciality-checks">
          {(specialities ?? []).map((s) => (
            <label key={s.code} className="check"><input type="checkbox" checked={codes.includes(s.code!)}
              onChange={(e) => setCodes(e.target.checked ? [...codes, s.code!] : codes.filter((c) => c !== s.code))} />
              {SpecialityNames.name(s, lang)}</label>
          ))}
        </div>
        {fieldError(error, 'specialities') && <p className="error">{fieldError(error, 'specialities')}</p>}
      </fieldset>
      {admin && clinics && (
        <fieldset>
          <legend>{t('directory.profilePage.clinics')}</legend>
          <div className="speciality-checks">
            {clinics.map((c) => (
              <label key={c.id} className="check"><input type="checkbox" name="clinicIds" value={c.id} checked={clinicIds.includes(c.id)}
                onChange={(e) => setClinicIds(e.target.checked ? [...clinicIds, c.id] : clinicIds.filter((x) => x !== c.id))} />
                {c.name}</label>
            ))}
          </div>
          {fieldError(error, 'clinicIds') && <p className="error" role="alert">{fieldError(error, 'clinicIds')}</p>}
        </fieldset>
      )}
      <Field label={t('directory.profilePage.languages')} name="languages" value={languages} onChange={setLanguages}
        description={t('directory.profilePage.languagesHint')} error={fieldError(error, 'languages')} />
      <Field label={t('directory.profilePage.licence')} name="licence" value={licence} onChange={setLicence} error={fieldError(error, 'licence')} />
      <Field label={t('directory.profilePage.qualifications')} name="qualifications" value={qualifications} onChange={setQualifications} error={fieldError(error, 'qualifications')} />
      <Field label={t('directory.profilePage.bio')} name="bio" value={bio} onChange={setBio} multiline error={fieldError(error, 'bio')} />
      <fieldset>
        <legend>{t('directory.profilePage.visitTypes')}</legend>
        {TYPES.map((ty, i) => {
          const type = t(`directory.types.${ty}`);
          return (
            <div key={ty} className="visit-type">
              <label className="check"><input type="checkbox" checked={types[ty].on} onChange={(e) => setTypes({ ...types, [ty]: { ...types[ty], on: e.target.checked } })} />
                {t('directory.profilePage.offers', { type })}</label>
              {types[ty].on && <>
                <Field label={t('directory.profilePage.fee', { type })} name={`fee-${ty}`} value={types[ty].fee} inputMode="numeric"
                  onChange={(v) => setTypes({ ...types, [ty]: { ...types[ty], fee: v } })} error={fieldError(error, `visitTypes[${i}].fee`)} />
                <Field label={t('directory.profilePage.currency')} name={`currency-${ty}`} value={types[ty].currency}
                  onChange={(v) => setTypes({ ...types, [ty]: { ...types[ty], currency: v.toUpperCase() } })} error={fieldError(error, `visitTypes[${i}].currency`)} />
              </>}
            </div>
          );
        })}
      </fieldset>
      {(insurers ?? []).length > 0 && (
        <fieldset>
          <legend>{t('directory.insurance.doctorPlans')}</legend>
          <div className="speciality-checks">
            {(insurers ?? []).flatMap((i) => (i.plans ?? []).map((pl) => (
              <label key={pl.id} className="check"><input type="checkbox" checked={(plans ?? []).includes(pl.id!)}
                onChange={(e) => setPlans(e.target.checked ? [...(plans ?? []), pl.id!] : (plans ?? []).filter((x) => x !== pl.id))} />
                {planName({ insurer: i.name, name: pl.name })}</label>)))}
          </div>
          {fieldError(error, 'planIds') && <p className="error">{fieldError(error, 'planIds')}</p>}
        </fieldset>
      )}
      <div className="actions">
        <Button type="submit">{t('directory.profilePage.save')}</Button>
        <Button variant="secondary" onPress={onCancel}>{t('directory.profilePage.cancel')}</Button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function Reviews({ reviews, moderator, onChanged, lang }: { reviews: Review[] | null; moderator: boolean; onChanged: () => void; lang: Lang }) {
  const { t } = useTranslation();
  const calendar = useCalendar();
  const [reason, setReason] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  async function moderate(r: Review, hidden: boolean) {
    setError(null);
    try {
      must(await api.PUT('/directory/reviews/{id}/moderation', { params: { path: { id: r.id! } }, body: { hidden, reason: reason[r.id!] } }));
      onChanged();
    } catch (e) { setError(e); }
  }
  return (
    <section aria-labelledby="reviews-title" className="reviews">
      <h2 id="reviews-title">{t('directory.reviews.title')}</h2>
      {reviews && reviews.length === 0 && <p>{t('directory.reviews.none')}</p>}
      <ul>
        {(reviews ?? []).map((r) => (
          <li key={r.id} className={`card review${r.hidden ? ' hidden-review' : ''}`}>
            <p><span className="stars" aria-label={t('directory.reviews.star', { n: r.rating })}>{'★'.repeat(r.rating ?? 0)}{'☆'.repeat(5 - (r.rating ?? 0))}</span>
              {' '}<strong>{r.authorName}</strong> · {formatDate(r.createdAt!, lang, calendar)}</p>
            {r.text && <p dir="auto">{r.text}</p>}
            {r.hidden && <p className="muted">{t('directory.reviews.hidden', { reason: r.hiddenReason ?? '' })}</p>}
            {moderator && (r.hidden
              ? <Button variant="secondary" onPress={() => moderate(r, false)}>{t('directory.reviews.show')}</Button>
              : <div className="moderate">
                <Field label={t('directory.reviews.reason')} name={`reason-${r.id}`} value={reason[r.id!] ?? ''}
                  onChange={(v) => setReason({ ...reason, [r.id!]: v })} />
                <Button variant="danger" onPress={() => moderate(r, true)}>{t('directory.reviews.hide')}</Button>
              </div>)}
          </li>
        ))}
      </ul>
      <ErrorNote error={error} />
    </section>
  );
}

/** On a completed visit, its patient reviews the doctor (once: the hub refuses a second review of the visit). */
export function ReviewForm({ encounterId, doctorId, doctorName }: { encounterId: string; doctorId: string; doctorName: string }) {
  const { t } = useTranslation();
  const [rating, setRating] = useState('5');
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function send() {
    setError(null);
    try {
      must(await api.POST('/directory/doctors/{id}/reviews', { params: { path: { id: doctorId } }, body: { encounterId, rating: Number(rating), text } }));
      setSent(true);
    } catch (e) { setError(e); }
  }
  if (sent) return <Notice>{t('directory.reviews.sent')}</Notice>;
  return (
    <form className="card review-form" onSubmit={(e) => { e.preventDefault(); send(); }}>
      <h2>{t('directory.reviews.write', { name: doctorName })}</h2>
      <label>{t('directory.reviews.rating')}
        <select name="rating" value={rating} onChange={(e) => setRating(e.target.value)}>
          {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{'★'.repeat(n)} {t('directory.reviews.star', { n })}</option>)}
        </select>
      </label>
      <Field label={t('directory.reviews.text')} name="reviewText" value={text} onChange={setText} multiline error={fieldError(error, 'text')} />
      <Button type="submit">{t('directory.reviews.send')}</Button>
      <ErrorNote error={error} />
    </form>
  );
}
