import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { Form } from 'react-aria-components';
import { api, type Schemas, setCsrfToken } from '../api/client';
import { ApiError } from '../api/problem';
import { type AuthSession, homeFor, useAuth } from '../auth';
import { safeReturnTo } from '../drafts';
import { Button, ErrorNote, Field, Notice } from '../ui';

/** The codes the hub's OIDC callback sends back to /login?error= (OidcLogin.Refusal). */
const OIDC_ERRORS = ['denied', 'expired', 'invalid_state', 'failed'];

export default function Login() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { setSession } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const returnTo = safeReturnTo(params.get('returnTo'));
  const providerError = params.get('error');
  // the identity provider's button only where the hub has one configured (GET /auth/oidc, public)
  const [provider, setProvider] = useState<Schemas['SignInOptions'] | null>(null);
  useEffect(() => {
    let live = true;
    api.GET('/auth/oidc').then((r) => { if (live) setProvider(r.data ?? null); }).catch(() => { if (live) setProvider(null); });
    return () => { live = false; };
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.POST('/auth/session', { body: { username, password, totp: needsCode ? totp : undefined } });
      const s = r.data as unknown as AuthSession;
      setCsrfToken(s.csrfToken);
      setSession(s);
      navigate(returnTo !== '/' ? returnTo : homeFor(s), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && err.field === 'totp' && !needsCode) {
        setNeedsCode(true);
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {params.get('expired') && <Notice>{t('login.expired')}</Notice>}
      {providerError && (
        <p className="error" role="alert">
          {t(`login.providerError.${OIDC_ERRORS.includes(providerError) ? providerError : 'failed'}`)}
        </p>
      )}
      <Form onSubmit={submit} validationBehavior="aria">
        <Field label={t('login.username')} name="username" value={username} onChange={setUsername}
          autoComplete="username" isRequired />
        <Field label={t('login.password')} name="password" type="password" value={password} onChange={setPassword}
          autoComplete="current-password" isRequired />
        {needsCode && (
          <Field label={t('login.totp')} name="totp" value={totp} onChange={setTotp} autoComplete="one-time-code"
            inputMode="numeric" description={t('login.totpHint')} isRequired />
        )}
        <ErrorNote error={error} />
        <Button type="submit" isDisabled={busy}>{t('login.submit')}</Button>
      </Form>
      {provider?.enabled && (
        <p className="alt-login">
          <a dir="auto" href={`/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`}>{provider.label || t('login.oidc')}</a>
        </p>
      )}
    </section>
  );
}
