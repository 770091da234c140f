import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import AdminLayout from './AdminLayout';
import { baseRole, clinicScopes, ROLES, rolesToSend, userMatches } from './logic';

type User = Schemas['UserView'];

export default function Users() {
  const { t, i18n } = useTranslation();
  const n = (x: number) => formatNumber(x, i18n.language as Lang);
  const [users, setUsers] = useState<User[] | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try {
      setUsers(must(await api.GET('/users', { params: { query: { limit: 500 } } })));
    } catch (e) { setError(e); }
  }, []);
  useEffect(() => { void load(); }, [load]);

  const shown = (users ?? []).filter((u) => userMatches(u, query));
  const current = (users ?? []).find((u) => u.id === selected) ?? null;
  const done = (msg: string, u?: User) => {
    setError(null);
    setNotice(msg);
    if (u) setUsers((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)));
  };

  return (
    <AdminLayout titleKey="admin.users.title">
      <div className="filters">
        <label>{t('admin.users.search')}
          <input type="search" name="user-search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <Button variant="secondary" onPress={() => { setUsers(null); void load(); }}>{t('admin.common.refresh')}</Button>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {users === null && !error && <p className="busy" role="status">{t('loading')}</p>}
      {users && <p className="muted">{t('admin.users.count', { shown: n(shown.length), total: n(users.length) })}</p>}
      {users && shown.length === 0 && <p>{t('admin.users.empty')}</p>}
      {shown.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.users.title')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.users.username')}</th><th scope="col">{t('admin.users.displayName')}</th>
              <th scope="col">{t('admin.users.roles')}</th><th scope="col">{t('admin.users.enabled')}</th>
              <th scope="col">{t('admin.common.actions')}</th>
            </tr></thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id} className={u.id === selected ? 'selected' : ''} data-username={u.username}>
                  <td>{u.username}</td>
                  <td>{u.displayName}</td>
                  <td>{(u.roles ?? []).map((r) => roleName(t, r)).join(', ')}</td>
                  <td>{u.enabled ? t('admin.users.isEnabled') : t('admin.users.isDisabled')}</td>
                  <td><Button variant="secondary" aria-label={`${t('admin.users.manage')}: ${u.username}`}
                    onPress={() => { setSelected(u.id!); setNotice(''); setError(null); }}>{t('admin.users.manage')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && <ManageUser key={current.id} u={current} onDone={done} onError={setError} error={error} />}
      <CreateUser onCreated={(u) => { setUsers((l) => [...(l ?? []), u]); done(t('admin.users.createdOk', { username: u.username })); }} />
    </AdminLayout>
  );
}

function roleName(t: (k: string, o?: Record<string, unknown>) => string, role: string): string {
  const base = baseRole(role);
  const name = t(`admin.users.role.${base}`, { defaultValue: base });
  return role.includes(':') ? `${name} (${role.slice(base.length + 1)})` : name;
}

function RoleChecks({ name, ticked, setTicked, clinic, setClinic, error }: {
  name: string; ticked: string[]; setTicked: (r: string[]) => void; clinic: string; setClinic: (c: string) => void; error?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <fieldset className="checks" aria-describedby={error ? `${name}-error` : undefined}>
        <legend>{t('admin.users.roles')}</legend>
        {ROLES.map((r) => (
          <label key={r}>
            <input type="checkbox" name={`${name}-${r}`} checked={ticked.includes(r)}
              onChange={(e) => setTicked(e.target.checked ? [...ticked, r] : ticked.filter((x) => x !== r))} />
            {t(`admin.users.role.${r}`)}
          </label>
        ))}
      </fieldset>
      {error && <p className="error" id={`${name}-error`}>{error}</p>}
      {ticked.includes('clinic-admin') && (
        <Field label={t('admin.users.clinic')} name={`${name}-clinic`} value={clinic} onChange={setClinic} />
      )}
    </>
  );
}

function ManageUser({ u, onDone, onError, error }: {
  u: User; onDone: (msg: string, u?: User) => void; onError: (e: unknown) => void; error: unknown;
}) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const [ticked, setTicked] = useState<string[]>(() => [...new Set((u.roles ?? []).map(baseRole))]);
  const [clinic, setClinic] = useState(() => clinicScopes(u.roles)[0] ?? '');
  const [busy, setBusy] = useState(false);
  const path = { params: { path: { id: u.id! } } };
  const username = u.username!;

  async function run(f: () => Promise<void>) {
    setBusy(true);
    try { await f(); } catch (e) { onError(e); } finally { setBusy(false); }
  }
  const saveRoles = () => run(async () => {
    const v = must(await api.PUT('/users/{id}/roles', { ...path, body: { roles: rolesToSend(ticked, clinic) } }));
    onDone(t('admin.users.rolesSaved', { username }), v);
  });
  const setEnabled = (enabled: boolean) => run(async () => {
    const v = must(await api.PUT('/users/{id}/enabled', { ...path, body: { enabled } }));
    onDone(t(enabled ? 'admin.users.enabledOk' : 'admin.users.disabledOk', { username }), v);
  });
  const revoke = () => run(async () => {
    const r = must(await api.POST('/users/{id}/revoke-sessions', path));
    onDone(t('admin.users.revokedOk', { username, count: formatNumber(r.ended ?? 0, i18n.language as Lang) }));
  });
  const unlock = () => run(async () => {
    await api.POST('/users/{username}/unlock', { params: { path: { username } } });
    onDone(t('admin.users.unlockedOk', { username }));
  });

  return (
    <div className="card" role="group" aria-labelledby={`manage-${u.id}`}>
      <h2 id={`manage-${u.id}`}>{t('admin.users.manageTitle', { username })}</h2>
      <dl className="facts">
        <dt>{t('admin.users.displayName')}</dt><dd>{u.displayName}</dd>
        <dt>{t('admin.users.email')}</dt><dd>{u.email || t('admin.common.none')}</dd>
        <dt>{t('admin.users.created')}</dt><dd>{u.createdAt ? formatDateTime(u.createdAt, i18n.language as Lang, calendar) : ''}</dd>
        <dt>{t('admin.users.enabled')}</dt><dd>{u.enabled ? t('admin.users.isEnabled') : t('admin.users.isDisabled')}</dd>
      </dl>
      <RoleChecks name="manage-roles" ticked={ticked} setTicked={setTicked} clinic={clinic} setClinic={setClinic}
        error={fieldError(error, 'roles')} />
      <div className="actions">
        <Button onPress={saveRoles} isDisabled={busy}>{t('admin.users.saveRoles')}</Button>
        {u.enabled
          ? <Button variant="danger" onPress={() => setEnabled(false)} isDisabled={busy}>{t('admin.users.disable')}</Button>
          : <Button variant="secondary" onPress={() => setEnabled(true)} isDisabled={busy}>{t('admin.users.enable')}</Button>}
        <Button variant="secondary" onPress={revoke} isDisabled={busy}>{t('admin.users.revoke')}</Button>
        <Button variant="secondary" onPress={unlock} isDisabled={busy}>{t('admin.users.unlock')}</Button>
      </div>
      {busy && <p className="busy" role="status">{t('admin.common.working')}</p>}
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: (u: User) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [ticked, setTicked] = useState<string[]>([]);
  const [clinic, setClinic] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = must(await api.POST('/users', { body: {
        username, displayName, email: email || undefined, password, roles: rolesToSend(ticked, clinic),
      } })) as unknown as User;
      setUsername(''); setDisplayName(''); setEmail(''); setPassword(''); setTicked([]); setClinic('');
      onCreated(u);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  return (
    <Form className="card" onSubmit={submit} validationBehavior="aria" aria-labelledby="create-user-title">
      <h2 id="create-user-title">{t('admin.users.createTitle')}</h2>
      <div className="grid-form">
        <Field label={t('admin.users.username')} name="new-username" value={username} onChange={setUsername} isRequired
          autoComplete="off" error={fieldError(error, 'username')} />
        <Field label={t('admin.users.displayName')} name="new-displayName" value={displayName} onChange={setDisplayName}
          isRequired error={fieldError(error, 'displayName')} />
        <Field label={t('admin.users.email')} name="new-email" type="email" value={email} onChange={setEmail}
          error={fieldError(error, 'email')} />
        <Field label={t('admin.users.password')} name="new-password" type="password" value={password} onChange={setPassword}
          isRequired autoComplete="new-password" description={t('admin.users.passwordHint')} error={fieldError(error, 'password')} />
      </div>
      <RoleChecks name="new-roles" ticked={ticked} setTicked={setTicked} clinic={clinic} setClinic={setClinic}
        error={fieldError(error, 'roles')} />
      <Button type="submit" isDisabled={busy}>{busy ? t('admin.common.working') : t('admin.users.create')}</Button>
      <ErrorNote error={error} />
    </Form>
  );
}
