import dicomParser from 'dicom-parser';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemOf, ApiError } from '../../api/problem';
import { formatNumber, type Lang } from '../../format';
import { Button, ErrorNote } from '../../ui';

/**
 * The DICOM viewer (lazy-loaded): the study's instances over the hub's WADO-RS endpoint (multipart/related of
 * application/dicom, read with the session cookie: same authorisation and audit as every other read), parsed with
 * dicom-parser (MIT), one frame at a time on a canvas with window width/centre. Uncompressed grey-scale images only
 * (MONOCHROME1/2, 8 or 16 bits); a compressed transfer syntax is named as not shown (Cornerstone3D's codecs are the
 * next step, see ARCHITECTURE.md).
 */
export interface Frame { rows: number; columns: number; pixels: Float32Array; invert: boolean; width: number; centre: number; sop: string }

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

/** The parts of a multipart/related body (RFC 2046), as bytes. */
export function multipartParts(body: Uint8Array, contentType: string): Uint8Array[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error(`not multipart: ${contentType}`);
  const delim = new TextEncoder().encode(`--${m[1]}`);
  const at: number[] = [];
  outer: for (let i = 0; i <= body.length - delim.length; i++) {
    for (let j = 0; j < delim.length; j++) if (body[i + j] !== delim[j]) continue outer;
    at.push(i);
    i += delim.length - 1;
  }
  const parts: Uint8Array[] = [];
  for (let k = 0; k + 1 < at.length; k++) {
    let start = at[k] + delim.length;
    // headers end at the first empty line
    for (let i = start; i < at[k + 1] - 3; i++) {
      if (body[i] === 13 && body[i + 1] === 10 && body[i + 2] === 13 && body[i + 3] === 10) { start = i + 4; break; }
    }
    let end = at[k + 1];
    if (body[end - 2] === 13 && body[end - 1] === 10) end -= 2;
    parts.push(body.subarray(start, end));
  }
  return parts;
}

/** One instance's first frame, rescaled to modality values, with its own or a computed window. */
export function frameOf(bytes: Uint8Array): Frame {
  const ds = dicomParser.parseDicom(bytes);
  const ts = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  if (!UNCOMPRESSED.has(ts)) throw new Error(`compressed transfer syntax ${ts}`);
  const rows = ds.uint16('x00280010') ?? 0, columns = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 16, signed = ds.uint16('x00280103') === 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  if (!photometric.startsWith('MONOCHROME')) throw new Error(`photometric interpretation ${photometric}`);
  const el = ds.elements.x7fe00010;
  if (!el || !rows || !columns) throw new Error('no pixel data');
  const n = rows * columns;
  const slope = ds.floatString('x00281053') ?? 1, intercept = ds.floatString('x00281052') ?? 0;
  const buf = bytes.buffer.slice(bytes.byteOffset + el.dataOffset, bytes.byteOffset + el.dataOffset + el.length);
  const raw = bits === 8 ? new Uint8Array(buf, 0, n) : signed ? new Int16Array(buf, 0, n) : new Uint16Array(buf, 0, n);
  const pixels = new Float32Array(n);
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = raw[i] * slope + intercept;
    pixels[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = ds.floatString('x00281051') ?? Math.max(max - min, 1);
  const centre = ds.floatString('x00281050') ?? (max + min) / 2;
  return { rows, columns, pixels, invert: photometric === 'MONOCHROME1', width, centre, sop: ds.string('x00080018') ?? '' };
}

/** The frame through a window (DICOM PS3.3 C.11.2.1.2, linear) into RGBA. */
export function render(f: Frame, width: number, centre: number, out: Uint8ClampedArray): void {
  const lo = centre - 0.5 - (width - 1) / 2, span = Math.max(width - 1, 1);
  for (let i = 0; i < f.pixels.length; i++) {
    let g = Math.round(Math.min(Math.max((f.pixels[i] - lo) / span, 0), 1) * 255);
    if (f.invert) g = 255 - g;
    out[4 * i] = g; out[4 * i + 1] = g; out[4 * i + 2] = g; out[4 * i + 3] = 255;
  }
}

export default function Viewer({ adapterId, studyUid, onClose }: { adapterId: string; studyUid: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [frames, setFrames] = useState<Frame[] | null>(null);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [index, setIndex] = useState(0);
  const [win, setWin] = useState<{ width: number; centre: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const ctl = new AbortController();
    (async () => {
      const r = await fetch(`/api/v1/integration/pacs/${encodeURIComponent(adapterId)}/dicomweb/studies/${encodeURIComponent(studyUid)}`,
        { headers: { Accept: 'multipart/related; type="application/dicom"' }, credentials: 'same-origin', signal: ctl.signal });
      if (!r.ok) throw new ApiError(await problemOf(r));
      const parts = multipartParts(new Uint8Array(await r.arrayBuffer()), r.headers.get('Content-Type') ?? '');
      const ok: Frame[] = [], bad: string[] = [];
      for (const p of parts) {
        try { ok.push(frameOf(p)); } catch (e) { bad.push(e instanceof Error ? e.message : String(e)); }
      }
      ok.sort((a, b) => a.sop.localeCompare(b.sop));
      setFrames(ok);
      setSkipped(bad);
      if (ok[0]) setWin({ width: ok[0].width, centre: ok[0].centre });
    })().catch((e) => { if (!ctl.signal.aborted) setError(e); });
    heading.current?.focus();
    return () => ctl.abort();
  }, [adapterId, studyUid]);

  const frame = frames?.[index];
  useEffect(() => {
    const c = canvas.current;
    if (!c || !frame || !win) return;
    c.width = frame.columns;
    c.height = frame.rows;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(frame.columns, frame.rows);
    render(frame, win.width, win.centre, img.data);
    ctx.putImageData(img, 0, 0);
  }, [frame, win]);

  const total = frames?.length ?? 0;
  return (
    <section className="viewer card" aria-labelledby="viewer-title">
      <h3 id="viewer-title" ref={heading} tabIndex={-1}>{t('panel.viewer.title')}</h3>
      <ErrorNote error={error} />
      {frames === null && !error && <p>{t('panel.viewer.loading')}</p>}
      {skipped.map((s, i) => <p key={i} className="muted">{t('panel.viewer.unsupported', { reason: s })}</p>)}
      {frame && win && (
        <>
          <canvas ref={canvas} className="dicom" role="img" aria-label={t('panel.viewer.canvas', {
            n: formatNumber(index + 1, lang), total: formatNumber(total, lang),
            width: formatNumber(Math.round(win.width), lang), centre: formatNumber(Math.round(win.centre), lang),
          })} />
          <div className="viewer-controls">
            {total > 1 && <label>{t('panel.viewer.image')} ({t('panel.viewer.of', { n: formatNumber(index + 1, lang), total: formatNumber(total, lang) })})
              <input type="range" name="image" min={0} max={total - 1} value={index} onChange={(e) => setIndex(Number(e.target.value))} />
            </label>}
            <label>{t('panel.viewer.window')}
              <input type="range" name="window" min={1} max={Math.max(frame.width * 4, 2)} value={win.width}
                onChange={(e) => setWin({ ...win, width: Number(e.target.value) })} />
            </label>
            <label>{t('panel.viewer.level')}
              <input type="range" name="level" min={Math.round(frame.centre - frame.width * 2)} max={Math.round(frame.centre + frame.width * 2)}
                value={win.centre} onChange={(e) => setWin({ ...win, centre: Number(e.target.value) })} />
            </label>
          </div>
        </>
      )}
      <Button variant="secondary" onPress={onClose}>{t('panel.viewer.close')}</Button>
    </section>
  );
}
