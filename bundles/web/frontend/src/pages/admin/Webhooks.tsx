import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice, fieldError } from '../../ui';
import AdminLayout from './AdminLayout';
import { newSecret } from './logic';

type Subscription = Schemas['Subscription'];
type Delivery = Schemas['Delivery'];
const STATES = ['pending', 'in_flight', 'retrying', 'delivered', 'dead'] as const;

export default function Webhooks() {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const lang = i18n.language as Lang;
  const [subs, setSubs] = useState<Subscription[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try { setSubs(must(await api.GET('/webhooks'))); } catch (e) { setError(e); }
  }, []);
  useEffect(() => { void load(); }, [load]);

  async function remove(id: string) {
    setError(null);
    try {
      await api.DELETE('/webhooks/{id}', { params: { path: { id } } });
      setConfirming(null);
      if (open === id) setOpen(null);
      setNotice(t('admin.webhooks.deleted'));
      await load();
    } catch (e) { setError(e); }
  }

  return (
    <AdminLayout titleKey="admin.webhooks.title">
      <p>{t('admin.webhooks.intro')}</p>
      {secret && (
        <div className="card" role="alert" aria-labelledby="secret-title">
          <h2 id="secret-title">{t('admin.webhooks.secretTitle')}</h2>
          <p className="secret" data-testid="webhook-secret">{secret}</p>
          <p>{t('admin.webhooks.secretHint')}</p>
          <Button onPress={() => setSecret(null)}>{t('admin.webhooks.secretDone')}</Button>
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {subs === null && !error && <p className="busy" role="status">{t('loading')}</p>}
      {subs && subs.length === 0 && <p>{t('admin.webhooks.empty')}</p>}
      {subs && subs.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.webhooks.title')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.webhooks.url')}</th><th scope="col">{t('admin.webhooks.description')}</th>
              <th scope="col">{t('admin.webhooks.created')}</th><th scope="col">{t('admin.common.actions')}</th>
            </tr></thead>
            <tbody>
              {subs.map((s) => (
                <tr key={s.id} className={open === s.id ? 'selected' : ''}>
                  <td className="mono">{s.url}</td>
                  <td>{s.description}</td>
                  <td>{s.createdAt ? formatDateTime(s.createdAt, lang, calendar) : ''} <span className="muted">{t('admin.webhooks.by', { who: s.createdBy })}</span></td>
                  <td>
                    <div className="cell-actions">
                      <Button variant="secondary" onPress={() => setOpen(s.id!)} aria-label={`${t('admin.webhooks.showDeliveries')}: ${s.url}`}>{t('admin.webhooks.showDeliveries')}</Button>
                      {confirming === s.id ? (
                        <>
                          <span role="alert">{t('admin.webhooks.confirmDelete', { url: s.url })}</span>
                          <Button variant="danger" onPress={() => remove(s.id!)}>{t('admin.common.yes')}</Button>
                          <Button variant="secondary" onPress={() => setConfirming(null)}>{t('admin.common.no')}</Button>
                        </>
                      ) : (
                        <Button variant="danger" onPress={() => setConfirming(s.id!)} aria-label={`${t('admin.webhooks.delete')}: ${s.url}`}>{t('admin.webhooks.delete')}</Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && subs?.some((s) => s.id === open) && <Deliveries key={open} sub={subs.find((s) => s.id === open)!} />}
      <CreateWebhook onCreated={(s, sec) => { setSecret(sec); setNotice(''); setSubs((l) => [...(l ?? []), s]); }} />
    </AdminLayout>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (s: Subscription, secret: string) => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // the secret is made here, sent once and shown once: the API keeps it sealed and never returns it
    const secret = newSecret();
    try {
      const s = must(await api.POST('/webhooks', { body: { url, description: description || undefined, secret } })) as unknown as Subscription;
      setUrl(''); setDescription('');
      onCreated(s, secret);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return (
    <Form className="card" onSubmit={submit} validationBehavior="aria" aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">{t('admin.webhooks.createTitle')}</h2>
      <Field label={t('admin.webhooks.url')} name="webhook-url" type="url" value={url} onChange={setUrl} isRequired error={fieldError(error, 'url')} />
      <Field label={t('admin.webhooks.description')} name="webhook-description" value={description} onChange={setDescription} error={fieldError(error, 'description')} />
      <Button type="submit" isDisabled={busy}>{busy ? t('admin.common.working') : t('admin.webhooks.create')}</Button>
      <ErrorNote error={fieldError(error, 'url') || fieldError(error, 'description') ? null : error} />
    </Form>
  );
}

function Deliveries({ sub }: { sub: Subscription }) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const lang = i18n.language as Lang;
  const [state, setState] = useState('');
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    setItems(null);
    try {
      setItems(must(await api.GET('/webhooks/{id}/deliveries', { params: { path: { id: sub.id! }, query: { state: state || undefined, limit: 100 } } })));
    } catch (e) { setError(e); setItems([]); }
  }, [sub.id, state]);
  useEffect(() => { void load(); }, [load]);

  async function replay(id: string) {
    setError(null); setNotice('');
    try {
      const d = must(await api.POST('/webhooks/deliveries/{deliveryId}/replay', { params: { path: { deliveryId: id } } }));
      setItems((l) => (l ?? []).map((x) => (x.id === id ? d : x)));
      setNotice(t('admin.webhooks.replayed'));
    } catch (e) { setError(e); }
  }

  return (
    <div className="card" role="region" aria-labelledby="webhook-deliveries-title">
      <h2 id="webhook-deliveries-title">{t('admin.webhooks.deliveries')}: <span className="mono">{sub.url}</span></h2>
      <div className="filters">
        <label>{t('admin.common.state')}
          <select name="webhook-state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('admin.common.all')}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`admin.integration.state.${s}`)}</option>)}
          </select>
        </label>
        <Button variant="secondary" onPress={load}>{t('admin.common.refresh')}</Button>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {items === null && <p className="busy" role="status">{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('admin.webhooks.noDeliveries')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.webhooks.deliveries')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.webhooks.event')}</th><th scope="col">{t('admin.common.state')}</th>
              <th scope="col">{t('admin.webhooks.attempts')}</th><th scope="col">{t('admin.webhooks.next')}</th>
              <th scope="col">{t('admin.webhooks.lastError')}</th><th scope="col">{t('admin.common.actions')}</th>
            </tr></thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-state={d.state}>
                  <td>{d.eventType}<br /><span className="muted">{d.createdAt ? formatDateTime(d.createdAt, lang, calendar) : ''}</span></td>
                  <td className={`state state-${d.state}`}>{t(`admin.integration.state.${d.state}`, { defaultValue: d.state })}</td>
                  <td>{formatNumber(d.attempts ?? 0, lang)} / {formatNumber(d.maxAttempts ?? 0, lang)}</td>
                  <td>{d.nextAttemptAt && d.state !== 'delivered' && d.state !== 'dead' ? formatDateTime(d.nextAttemptAt, lang, calendar) : t('admin.common.none')}</td>
                  <td className="mono">{d.lastError || (d.lastStatus ? `HTTP ${d.lastStatus}` : t('admin.common.none'))}</td>
                  <td><Button variant="secondary" onPress={() => replay(d.id!)} aria-label={`${t('admin.webhooks.replay')}: ${d.eventType}`}>{t('admin.webhooks.replay')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
