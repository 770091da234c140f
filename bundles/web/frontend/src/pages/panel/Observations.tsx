import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must, type Schemas } from '../../api/client';
import { browserTimeZone, formatDate, formatDateTime, formatNumber, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { ErrorNote } from '../../ui';

type Observation = Schemas['ObservationValue'];
type Adapter = Schemas['AdapterStatus'];

export interface Series { code: string; label: string; unit: string; points: { at: number; value: number; iso: string }[] }

/** Numeric observations grouped by code, each series in time order (text-only observations are left out). */
export function seriesOf(list: Observation[]): Series[] {
  const by = new Map<string, Series>();
  for (const o of list) {
    if (o.value == null || !o.effective || !o.code) continue;
    const key = `${o.codeSystem ?? ''}|${o.code}`;
    const s = by.get(key) ?? { code: o.code, label: o.display || o.code, unit: o.unit ?? '', points: [] };
    s.points.push({ at: Date.parse(o.effective), value: o.value, iso: o.effective });
    by.set(key, s);
  }
  for (const s of by.values()) s.points.sort((a, b) => a.at - b.at);
  return [...by.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** The observations of one EHR, one small chart per code (plain SVG), each with its values as a table. */
export default function Observations({ adapter, systemPatientId }: { adapter: Adapter; systemPatientId: string }) {
  const { t } = useTranslation();
  const [series, setSeries] = useState<Series[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ctl = new AbortController();
    api.GET('/integration/ehr/patient/{patientId}/observations', {
      params: { path: { patientId: systemPatientId }, query: { adapterId: adapter.id!, limit: 500 } }, signal: ctl.signal,
    }).then((r) => setSeries(seriesOf(must(r)))).catch((e) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [adapter.id, systemPatientId]);
  return (
    <section className="card observations" data-system={adapter.id} aria-labelledby={`obs-${adapter.id}`}>
      <h2 id={`obs-${adapter.id}`}>{t('panel.chart.title')} <span className="muted">{t('panel.chart.from', { system: adapter.id })}</span></h2>
      <ErrorNote error={error} />
      {series === null && !error && <p>{t('loading')}</p>}
      {series && series.length === 0 && <p>{t('panel.chart.none')}</p>}
      {series?.map((s) => <Chart key={s.code} s={s} />)}
    </section>
  );
}

const W = 560, H = 180, PAD = { l: 48, r: 12, t: 12, b: 28 };

function Chart({ s }: { s: Series }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const zone = browserTimeZone();
  const values = s.points.map((p) => p.value);
  const min = Math.min(...values), max = Math.max(...values);
  const lo = min === max ? min - 1 : min - (max - min) * 0.1, hi = min === max ? max + 1 : max + (max - min) * 0.1;
  const t0 = s.points[0].at, t1 = s.points[s.points.length - 1].at;
  const x = (at: number) => PAD.l + (t1 === t0 ? 0.5 : (at - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const path = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const summary = `${s.label}: ${t('panel.chart.range', { min: formatNumber(min, lang), max: formatNumber(max, lang), unit: s.unit })}`;
  return (
    <figure className="chart" data-code={s.code}>
      <figcaption>{s.label} <span className="muted">({s.unit})</span></figcaption>
      {/* time runs left to right in every language, as on paper charts */}
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} style={{ direction: "ltr" }}>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} className="axis" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} className="axis" />
        <text x={PAD.l - 6} y={y(max) + 4} textAnchor="end">{formatNumber(max, lang)}</text>
        <text x={PAD.l - 6} y={y(min) + 4} textAnchor="end">{formatNumber(min, lang)}</text>
        <text x={PAD.l} y={H - 8} textAnchor="start">{formatDate(s.points[0].iso, lang, calendar, zone)}</text>
        {t1 !== t0 && <text x={W - PAD.r} y={H - 8} textAnchor="end">{formatDate(s.points[s.points.length - 1].iso, lang, calendar, zone)}</text>}
        <path d={path} className="line" />
        {s.points.map((p) => <circle key={p.iso} cx={x(p.at)} cy={y(p.value)} r={3.5} className="point" />)}
      </svg>
      <details>
        <summary>{t('panel.chart.table')}</summary>
        <table>
          <caption className="sr-only">{s.label}</caption>
          <thead><tr><th scope="col">{t('panel.chart.date')}</th><th scope="col">{t('panel.chart.value')} ({s.unit})</th></tr></thead>
          <tbody>
            {s.points.map((p) => <tr key={p.iso}><td>{formatDateTime(p.iso, lang, calendar, zone)}</td><td>{formatNumber(p.value, lang)}</td></tr>)}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
