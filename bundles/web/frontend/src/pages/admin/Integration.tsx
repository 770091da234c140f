import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { Button, ErrorNote, Field, Notice } from '../../ui';
import AdminLayout from './AdminLayout';
import { progressOf } from './logic';

type Status = Schemas['AdapterStatus'];
type Delivery = Schemas['DeliveryView'];
type DeliveryState = NonNullable<Delivery['state']>;
const STATES: DeliveryState[] = ['queued', 'in_flight', 'retrying', 'delivered', 'dead'];
const POLL_MS = 3000;

export default function Integration() {
  const { t, i18n } = useTranslation();
  const [systems, setSystems] = useState<Status[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try { setSystems(must(await api.GET('/integration/status'))); } catch (e) { setError(e); setSystems([]); }
  }, []);
  useEffect(() => { void load(); }, [load]);

  async function toggle(id: string, connect: boolean) {
    setBusy(id); setError(null); setNotice('');
    try {
      const params = { params: { path: { adapterId: id } } };
      const r = must(connect ? await api.POST('/integration/{adapterId}/connect', params) : await api.POST('/integration/{adapterId}/disconnect', params));
      setNotice(t('admin.integration.outcome', { id, outcome: r.error ? `${r.outcome} — ${r.error}` : r.outcome }));
      await load();
    } catch (e) { setError(e); } finally { setBusy(null); }
  }

  return (
    <AdminLayout titleKey="admin.integration.title">
      <h2>{t('admin.integration.systems')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {systems === null && <p className="busy" role="status">{t('loading')}</p>}
      {systems && systems.length === 0 && !error && <p data-testid="no-systems">{t('admin.integration.noSystems')}</p>}
      {systems && systems.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.integration.systems')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.integration.id')}</th><th scope="col">{t('admin.integration.type')}</th>
              <th scope="col">{t('admin.common.state')}</th><th scope="col">{t('admin.integration.latency')}</th>
              <th scope="col">{t('admin.integration.lastError')}</th><th scope="col">{t('admin.common.actions')}</th>
            </tr></thead>
            <tbody>
              {systems.map((s) => (
                <tr key={s.id}>
                  <td>{s.id}<br /><span className="muted">{[s.vendor, s.product, s.adapterVersion].filter(Boolean).join(' ')}</span></td>
                  <td>{s.systemType}<br /><span className="muted">{(s.capabilities ?? []).join(', ')}</span></td>
                  <td className={`state state-${s.state}`}>{t(`admin.integration.state.${s.state}`, { defaultValue: s.state })}{s.detail ? <><br /><span className="muted">{s.detail}</span></> : null}</td>
                  <td>{s.lastLatencyMillis != null ? t('admin.integration.ms', { n: formatNumber(s.lastLatencyMillis, i18n.language as Lang) }) : t('admin.common.none')}</td>
                  <td className="mono">{s.lastError || t('admin.common.none')}</td>
                  <td><div className="cell-actions">
                    <Button variant="secondary" isDisabled={busy === s.id} onPress={() => toggle(s.id!, true)} aria-label={`${t('admin.integration.connect')}: ${s.id}`}>{t('admin.integration.connect')}</Button>
                    <Button variant="danger" isDisabled={busy === s.id} onPress={() => toggle(s.id!, false)} aria-label={`${t('admin.integration.disconnect')}: ${s.id}`}>{t('admin.integration.disconnect')}</Button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {busy && <p className="busy" role="status">{t('admin.common.working')}</p>}
      <Deliveries systems={systems ?? []} />
      <PatientProgress />
    </AdminLayout>
  );
}

function Deliveries({ systems }: { systems: Status[] }) {
  const { t, i18n } = useTranslation();
  const calendar = useCalendar();
  const lang = i18n.language as Lang;
  const [state, setState] = useState('');
  const [target, setTarget] = useState('');
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [detail, setDetail] = useState<Delivery | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const load = useCallback(async (s: string, a: string) => {
    setItems(null);
    try {
      setItems(must(await api.GET('/integration/deliveries', { params: { query: {
        state: (s || undefined) as DeliveryState | undefined, adapterId: a || undefined, limit: 100 } } })));
    } catch (e) { setError(e); setItems([]); }
  }, []);
  useEffect(() => { void load('', ''); }, [load]);

  async function open(id: string) {
    setError(null);
    try { setDetail(must(await api.GET('/integration/deliveries/{id}', { params: { path: { id } } }))); } catch (e) { setError(e); }
  }
  async function replay(id: string) {
    setError(null); setNotice('');
    try {
      const d = must(await api.POST('/integration/deliveries/{id}/replay', { params: { path: { id } } }));
      setDetail(d);
      setItems((l) => (l ?? []).map((x) => (x.id === id ? d : x)));
      setNotice(t('admin.integration.replayed', { id }));
    } catch (e) { setError(e); }
  }
  const when = (iso?: string) => (iso ? formatDateTime(iso, lang, calendar) : t('admin.common.none'));

  return (
    <div className="card" role="region" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">{t('admin.integration.deliveries')}</h2>
      <Form className="filters" onSubmit={(e: FormEvent) => { e.preventDefault(); void load(state, target); }}>
        <label>{t('admin.integration.filterState')}
          <select name="delivery-state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('admin.common.all')}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`admin.integration.state.${s}`)}</option>)}
          </select>
        </label>
        <label>{t('admin.integration.filterTarget')}
          <select name="delivery-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t('admin.common.all')}</option>
            {systems.map((s) => <option key={s.id} value={s.id}>{s.id}</option>)}
          </select>
        </label>
        <Button type="submit" variant="secondary">{t('admin.integration.filter')}</Button>
      </Form>
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
      {items === null && <p className="busy" role="status">{t('loading')}</p>}
      {items && items.length === 0 && <p data-testid="no-deliveries">{t('admin.integration.noDeliveries')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admin.integration.deliveries')}>
          <table className="data">
            <thead><tr>
              <th scope="col">{t('admin.integration.created')}</th><th scope="col">{t('admin.integration.id')}</th>
              <th scope="col">{t('admin.common.state')}</th><th scope="col">{t('admin.integration.attempts')}</th>
              <th scope="col">{t('admin.common.actions')}</th>
            </tr></thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} className={detail?.id === d.id ? 'selected' : ''}>
                  <td>{when(d.createdAt)}</td><td>{d.adapterId}</td>
                  <td className={`state state-${d.state}`}>{t(`admin.integration.state.${d.state}`)}</td>
                  <td>{formatNumber(d.attempts ?? 0, lang)} / {formatNumber(d.maxAttempts ?? 0, lang)}</td>
                  <td><div className="cell-actions">
                    <Button variant="secondary" onPress={() => open(d.id!)}>{t('admin.common.details')}</Button>
                    {d.state === 'dead' && <Button onPress={() => replay(d.id!)}>{t('admin.integration.replay')}</Button>}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail && (
        <div className="card" role="group" aria-labelledby="delivery-detail-title">
          <h3 id="delivery-detail-title">{t('admin.integration.detail', { id: detail.id })}</h3>
          <dl className="facts">
            <dt>{t('admin.integration.id')}</dt><dd>{detail.adapterId}</dd>
            <dt>{t('admin.common.state')}</dt><dd className={`state state-${detail.state}`}>{t(`admin.integration.state.${detail.state}`)}</dd>
            <dt>{t('admin.integration.attempts')}</dt><dd>{formatNumber(detail.attempts ?? 0, lang)} / {formatNumber(detail.maxAttempts ?? 0, lang)}</dd>
            <dt>{t('admin.webhooks.next')}</dt><dd>{detail.state === 'retrying' || detail.state === 'queued' ? when(detail.nextAttemptAt) : t('admin.common.none')}</dd>
            <dt>{t('admin.integration.lastError')}</dt><dd className="mono">{detail.lastError || t('admin.common.none')}</dd>
            <dt>{t('admin.integration.result')}</dt><dd className="mono">{detail.resultId}</dd>
            <dt>{t('admin.integration.remoteId')}</dt><dd className="mono">{detail.remoteId || t('admin.common.none')}</dd>
            <dt>{t('admin.integration.delivered')}</dt><dd>{when(detail.deliveredAt)}</dd>
          </dl>
          <p className="muted">{t('admin.integration.payload')}</p>
          <div className="actions">
            {detail.state === 'dead' && <Button onPress={() => replay(detail.id!)}>{t('admin.integration.replay')}</Button>}
            <Button variant="secondary" onPress={() => setDetail(null)}>{t('admin.common.close')}</Button>
          </div>
        </div>
      )}
    </div>
  );
}

/**
 * The system administrator may not send a patient's results (doctors and nurses do: /integration/patient/{id}/
 * send-results); what the rules give them is the deliveries' metadata, filtered by patient. This follows one patient's
 * deliveries, polling until none is queued, in flight or retrying.
 */
function PatientProgress() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [patientId, setPatientId] = useState('');
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [following, setFollowing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<number | undefined>(undefined);

  const stop = useCallback(() => { window.clearTimeout(timer.current); setFollowing(false); }, []);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const poll = useCallback(async (id: string) => {
    try {
      const list = must(await api.GET('/integration/deliveries', { params: { query: { patientId: id, limit: 500 } } }));
      setItems(list);
      const p = progressOf(list.map((d) => d.state));
      if (p.settled || list.length === 0) { setFollowing(false); return; }
      timer.current = window.setTimeout(() => void poll(id), POLL_MS);
    } catch (e) { setError(e); setFollowing(false); }
  }, []);

  function follow(e: FormEvent) {
    e.preventDefault();
    window.clearTimeout(timer.current);
    setError(null); setItems(null); setFollowing(true);
    void poll(patientId.trim());
  }
  const p = progressOf((items ?? []).map((d) => d.state));
  const n = (x: number) => formatNumber(x, lang);

  return (
    <Form className="card" onSubmit={follow} validationBehavior="aria" aria-labelledby="progress-title">
      <h2 id="progress-title">{t('admin.integration.progress')}</h2>
      <p>{t('admin.integration.progressHint')}</p>
      <Field label={t('admin.people.patientId')} name="progress-patientId" value={patientId} onChange={setPatientId} isRequired />
      <div className="actions">
        <Button type="submit" isDisabled={!patientId.trim()}>{t('admin.integration.follow')}</Button>
        {following && <Button variant="secondary" onPress={stop}>{t('admin.integration.stop')}</Button>}
      </div>
      <ErrorNote error={error} />
      {following && items === null && <p className="busy" role="status">{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('admin.integration.noneYet')}</p>}
      {items && items.length > 0 && (
        <div role="status" aria-live="polite">
          <progress max={p.total} value={p.total - p.open} aria-label={t('admin.integration.progress')} />
          <p>{t('admin.integration.progressOf', { done: n(p.total - p.open), total: n(p.total) })}
            {following && <span className="muted"> · {t('admin.integration.polling')}</span>}</p>
          {p.settled && <p>{t('admin.integration.settled', { delivered: n(p.delivered), dead: n(p.dead) })}</p>}
          <ul className="visits">
            {items.map((d) => <li key={d.id}>{d.adapterId}: <span className={`state state-${d.state}`}>{t(`admin.integration.state.${d.state}`)}</span>{d.lastError ? <span className="muted"> · {d.lastError}</span> : null}</li>)}
          </ul>
        </div>
      )}
    </Form>
  );
}
