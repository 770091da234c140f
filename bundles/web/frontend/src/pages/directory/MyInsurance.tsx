import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { formatDate, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import { NextSlot, planName, type Profile, useInsurers } from './common';

type Coverage = Schemas['Coverage'];

/** /insurance: a patient's own insurance (what booking's "covered" is worked out from) and the doctors they follow. */
export default function MyInsurance() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const insurers = useInsurers();
  const [list, setList] = useState<Coverage[] | null>(null);
  const [follows, setFollows] = useState<Profile[] | null>(null);
  const [planId, setPlanId] = useState('');
  const [member, setMember] = useState('');
  const [from, setFrom] = useState(new Date().toISOString().slice(0, 10));
  const [to, setTo] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  function load() {
    api.GET('/directory/coverage').then((r) => setList(must(r))).catch(setError);
    api.GET('/directory/follows').then((r) => setFollows(must(r))).catch(setError);
  }
  useEffect(load, []);

  async function add() {
    setError(null); setNotice(null);
    try {
      must(await api.POST('/directory/coverage', { body: { planId, memberId: member, validFrom: from, validTo: to || undefined } }));
      setMember(''); setTo('');
      setNotice(t('directory.insurance.added'));
      load();
    } catch (e) { setError(e); }
  }

  async function remove(c: Coverage) {
    setError(null); setNotice(null);
    try {
      await api.DELETE('/directory/coverage/{id}', { params: { path: { id: c.id! } } });
      setNotice(t('directory.insurance.removed'));
      load();
    } catch (e) { setError(e); }
  }

  async function unfollow(p: Profile) {
    setError(null);
    try {
      await api.DELETE('/directory/doctors/{id}/follow', { params: { path: { id: p.doctorId! } } });
      load();
    } catch (e) { setError(e); }
  }

  return (
    <section aria-labelledby="insurance-title">
      <h1 id="insurance-title">{t('directory.insurance.title')}</h1>
      {list && list.length === 0 && <p>{t('directory.insurance.none')}</p>}
      <ul className="coverage-list">
        {(list ?? []).map((c) => (
          <li key={c.id} className="card">
            <h2>{planName(c.plan ?? {})}</h2>
            <p><bdi dir="ltr">{c.memberId}</bdi> · {formatDate(c.validFrom!, lang, calendar, 'UTC')} – {c.validTo
              ? formatDate(c.validTo, lang, calendar, 'UTC') : t('directory.insurance.openEnded')}</p>
            <p>{c.valid ? <span className="badge covered">{t('directory.insurance.valid')}</span>
              : <span className="badge not-covered">{t('directory.insurance.expired')}</span>}</p>
            <Button variant="secondary" onPress={() => remove(c)} aria-label={`${t('directory.insurance.remove')}: ${planName(c.plan ?? {})}`}>{t('directory.insurance.remove')}</Button>
          </li>
        ))}
      </ul>
      <form className="card coverage-form" onSubmit={(e) => { e.preventDefault(); add(); }}>
        <h2>{t('directory.insurance.add')}</h2>
        <label>{t('directory.insurance.plan')}
          <select name="plan" value={planId} onChange={(e) => setPlanId(e.target.value)} required>
            <option value="">{t('directory.insurance.choose')}</option>
            {(insurers ?? []).flatMap((i) => (i.plans ?? []).map((p) => (
              <option key={p.id} value={p.id}>{planName({ insurer: i.name, name: p.name })}</option>)))}
          </select>
        </label>
        {fieldError(error, 'planId') && <p className="error">{fieldError(error, 'planId')}</p>}
        <Field label={t('directory.insurance.member')} name="memberId" value={member} onChange={setMember} error={fieldError(error, 'memberId')} />
        <label>{t('directory.insurance.from')}
          <input type="date" name="validFrom" value={from} onChange={(e) => setFrom(e.target.value)} required aria-invalid={!!fieldError(error, 'validFrom')} />
        </label>
        {fieldError(error, 'validFrom') && <p className="error">{fieldError(error, 'validFrom')}</p>}
        <label>{t('directory.insurance.to')}
          <input type="date" name="validTo" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={!!fieldError(error, 'validTo')} />
        </label>
        {fieldError(error, 'validTo') && <p className="error">{fieldError(error, 'validTo')}</p>}
        <Button type="submit" isDisabled={!planId}>{t('directory.insurance.save')}</Button>
      </form>
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="follows-title">
        <h2 id="follows-title">{t('directory.follow.title')}</h2>
        {follows && follows.length === 0 && <p>{t('directory.follow.none')}</p>}
        <ul className="doctors">
          {(follows ?? []).map((p) => (
            <li key={p.doctorId} className="card">
              <h3><Link to={`/doctors/${p.doctorId}`}>{p.displayName}</Link></h3>
              <p><NextSlot profile={p} /></p>
              <div className="actions">
                <Link className="btn btn-primary" to={`/find?doctor=${p.doctorId}`}>{t('directory.profilePage.book')}</Link>
                <Button variant="secondary" onPress={() => unfollow(p)} aria-label={`${t('directory.follow.unfollow')}: ${p.displayName}`}>{t('directory.follow.unfollow')}</Button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <ErrorNote error={error} />
    </section>
  );
}
