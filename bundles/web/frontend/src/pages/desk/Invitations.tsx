import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { useParams } from 'react-router';
import { api, must, type Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';
import { browserTimeZone, formatDateTime, LANGS, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import './desk.css';

type Listing = Schemas['Listing'];
type Invitation = Schemas['InvitationView'];

const KINDS = ['guest', 'interpreter', 'colleague', 'patient'] as const;
const CHANNELS = ['email', 'sms'] as const;
const FIELDS = ['kind', 'displayName', 'email', 'phone', 'channels', 'language', 'timeZone', 'username'];

/**
 * A visit's invitations (GET/POST /encounters/{id}/invitations, DELETE …/{invitationId}): who runs the visit and
 * front desk list them with each send's state, invite by e-mail and/or SMS in the invitee's language, revoke; the
 * visit's access code is shown as the API gives it to this role. Whoever else opens it gets the API's refusal.
 */
export default function Invitations() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [f, setF] = useState({ kind: 'guest', displayName: '', email: '', phone: '', language: lang as string, username: '' });
  const [channels, setChannels] = useState<string[]>(['email']);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });

  const load = useCallback(async () => {
    try {
      setListing(must(await api.GET('/encounters/{id}/invitations', { params: { path: { id } } })));
    } catch (err) { setError(err); }
  }, [id]);
  useEffect(() => { void load(); }, [load]);

  async function invite(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setNotice('');
    try {
      const body = {
        kind: f.kind, displayName: f.displayName.trim() || undefined, email: f.email.trim() || undefined,
        phone: f.phone.trim() || undefined, channels, language: f.language, timeZone: zone,
        username: f.kind === 'colleague' && f.username.trim() ? f.username.trim() : undefined,
      };
      const v = must(await api.POST('/encounters/{id}/invitations', { params: { path: { id } }, body })) as unknown as Invitation;
      setNotice(t('desk.inv.sent', { name: v.displayName }));
      setF({ ...f, displayName: '', email: '', phone: '', username: '' });
      await load();
    } catch (err) { setFormError(err); }
  }

  async function revoke(inv: Invitation) {
    setError(null);
    setNotice('');
    try {
      must(await api.DELETE('/encounters/{id}/invitations/{invitationId}', { params: { path: { id, invitationId: inv.id! } } }));
      setNotice(t('desk.inv.revoked', { name: inv.displayName }));
      await load();
    } catch (err) { setError(err); }
  }

  const at = (s?: string) => (s ? formatDateTime(s, lang, calendar, zone) : '—');
  const atField = formError instanceof ApiError && !!formError.field && FIELDS.includes(formError.field);
  return (
    <section aria-labelledby="inv-title">
      <h1 id="inv-title">{t('desk.inv.title')}</h1>
      {listing === null && !error && <p>{t('loading')}</p>}
      <ErrorNote error={error} />
      {listing && (
        <>
          <p>{t('desk.accessCode')}: <strong data-testid="access-code">{listing.accessCode ?? t('desk.inv.noCode')}</strong></p>
          <div className="card">
            <h2>{t('desk.inv.list')}</h2>
            {(listing.invitations ?? []).length === 0 ? <p>{t('desk.inv.none')}</p> : (
              <ul className="rows invitations">
                {(listing.invitations ?? []).map((inv) => (
                  <li key={inv.id} data-testid="invitation">
                    <div>
                      <strong>{inv.displayName}</strong> · {t(`desk.kinds.${inv.kind}`, { defaultValue: inv.kind })} · {t(`desk.langs.${inv.language}`, { defaultValue: inv.language })}
                      <br /><span className="muted">{t('desk.inv.sends')}: {(inv.sends ?? []).map((s) => `${t(`desk.channels.${s.channel}`, { defaultValue: s.channel })}: ${t(`desk.sendStates.${s.state}`, { defaultValue: s.state })}`).join(', ')}</span>
                      <br /><span className="inv-state">{inv.revokedAt ? t('desk.inv.revokedAt', { time: at(inv.revokedAt) })
                        : inv.redeemedAt ? t('desk.inv.redeemedAt', { time: at(inv.redeemedAt) })
                          : t('desk.inv.validUntil', { time: at(inv.expiresAt) })}</span>
                    </div>
                    {!inv.revokedAt && <Button variant="danger" onPress={() => revoke(inv)} aria-label={`${t('desk.inv.revoke')}: ${inv.displayName}`}>{t('desk.inv.revoke')}</Button>}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <Form onSubmit={invite} validationBehavior="aria" className="card" aria-labelledby="invite-title">
            <h2 id="invite-title">{t('desk.inv.new')}</h2>
            <div className="grid2">
              <label className="field">{t('desk.kind')}
                <select name="kind" value={f.kind} onChange={(e) => set('kind')(e.target.value)}>
                  {KINDS.map((k) => <option key={k} value={k}>{t(`desk.kinds.${k}`)}</option>)}
                </select>
              </label>
              <label className="field">{t('desk.inv.language')}
                <select name="inviteLanguage" value={f.language} onChange={(e) => set('language')(e.target.value)}>
                  {LANGS.map((l) => <option key={l} value={l}>{t(`desk.langs.${l}`)}</option>)}
                </select>
              </label>
              <Field label={f.kind === 'patient' ? t('desk.inv.nameOptional') : t('desk.name')} name="displayName" value={f.displayName} onChange={set('displayName')} error={fieldError(formError, 'displayName')} />
              <Field label={t('desk.email')} name="email" type="email" value={f.email} onChange={set('email')} error={fieldError(formError, 'email')} />
              <Field label={t('desk.phone')} name="phone" type="tel" value={f.phone} onChange={set('phone')} description={t('desk.inv.phoneHint')} error={fieldError(formError, 'phone')} />
              {f.kind === 'colleague' && <Field label={t('desk.account')} name="username" value={f.username} onChange={set('username')} error={fieldError(formError, 'username')} />}
            </div>
            <fieldset className="checks">
              <legend>{t('desk.inv.channels')}</legend>
              {CHANNELS.map((c) => (
                <label key={c}>
                  <input type="checkbox" name="channels" value={c} checked={channels.includes(c)}
                    onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))} />
                  {t(`desk.channels.${c}`)}
                </label>
              ))}
            </fieldset>
            {fieldError(formError, 'channels') && <p className="error">{fieldError(formError, 'channels')}</p>}
            <Button type="submit">{t('desk.inv.submit')}</Button>
            {!atField && <ErrorNote error={formError} />}
          </Form>
        </>
      )}
      {notice && <Notice>{notice}</Notice>}
    </section>
  );
}
