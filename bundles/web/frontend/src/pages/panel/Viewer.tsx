import {
  Enums, RenderingEngine, init as initCore, isCornerstoneInitialized, type StackViewport, type Types,
} from '@cornerstonejs/core';
import { init as initLoader, wadouri } from '@cornerstonejs/dicom-image-loader';
import dicomParser from 'dicom-parser';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemOf, ApiError } from '../../api/problem';
import { formatNumber, type Lang } from '../../format';
import { Button, ErrorNote } from '../../ui';

/**
 * The DICOM viewer (lazy-loaded, its own chunk): the study's instances over the hub's WADO-RS endpoint
 * (multipart/related of application/dicom, read with the session cookie: same authorisation and audit as every other
 * read), shown by Cornerstone3D (MIT): its DICOM image loader decodes every transfer syntax it knows (JPEG baseline
 * and lossless, JPEG-LS, JPEG 2000, HTJ2K, RLE, deflate) in a module worker with its WebAssembly codecs, and a stack
 * viewport renders with WebGL, or on the CPU where the device has none. Window width/centre and the image are
 * keyboard-operable range inputs beside the picture.
 */

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

/** What orders a study's images: series, then instance number (then SOP UID), read from the header only. */
export interface Placed { series: string; number: number; sop: string; bytes: Uint8Array }

export function placed(bytes: Uint8Array): Placed {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  return {
    series: ds.string('x0020000e') ?? '', number: ds.intString('x00200013') ?? 0, sop: ds.string('x00080018') ?? '', bytes,
  };
}

export function inOrder(images: Placed[]): Placed[] {
  return [...images].sort((a, b) => a.series.localeCompare(b.series) || a.number - b.number || a.sop.localeCompare(b.sop));
}

let started: Promise<void> | undefined;
/** Cornerstone once per page: the core (which picks WebGL or the CPU), then the loader's decoding worker. */
function startCornerstone(): Promise<void> {
  started ??= (async () => {
    if (!isCornerstoneInitialized()) await initCore();
    initLoader({ maxWebWorkers: 1 });
  })();
  return started;
}

interface Win { width: number; centre: number }

/** The values a window shows from black to white (never an empty range: a width of 1 still has two ends). */
export function rangeOf(win: Win): Types.VOIRange {
  return { lower: win.centre - win.width / 2, upper: win.centre + win.width / 2 };
}

export default function Viewer({ adapterId, studyUid, onClose }: { adapterId: string; studyUid: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [index, setIndex] = useState(0);
  const [win, setWin] = useState<Win | null>(null);
  const [initial, setInitial] = useState<Win | null>(null);
  const element = useRef<HTMLDivElement>(null);
  const viewport = useRef<StackViewport | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const ctl = new AbortController();
    let engine: RenderingEngine | undefined;
    (async () => {
      const started = startCornerstone();
      const r = await fetch(`/api/v1/integration/pacs/${encodeURIComponent(adapterId)}/dicomweb/studies/${encodeURIComponent(studyUid)}`,
        { headers: { Accept: 'multipart/related; type="application/dicom"' }, credentials: 'same-origin', signal: ctl.signal });
      if (!r.ok) throw new ApiError(await problemOf(r));
      const images = inOrder(multipartParts(new Uint8Array(await r.arrayBuffer()), r.headers.get('Content-Type') ?? '').map(placed));
      await started;
      if (ctl.signal.aborted || !element.current) return;
      // the bytes stay in this page's memory (dicomfile: ids), never written anywhere else
      const ids = images.map((p) => wadouri.fileManager.add(new Blob([p.bytes as BlobPart], { type: 'application/dicom' })));
      engine = new RenderingEngine(`viewer-${studyUid}`);
      engine.enableElement({ viewportId: 'stack', type: Enums.ViewportType.STACK, element: element.current });
      const vp = engine.getViewport('stack') as StackViewport;
      await vp.setStack(ids, 0);
      vp.render();
      viewport.current = vp;
      const range = vp.getProperties().voiRange ?? { lower: 0, upper: 1 };
      const first = { width: Math.max(1, Math.round(range.upper - range.lower)), centre: Math.round((range.lower + range.upper) / 2) };
      setInitial(first);
      setWin(first);
      setTotal(ids.length);
    })().catch((e) => { if (!ctl.signal.aborted) setError(e); });
    heading.current?.focus();
    return () => {
      ctl.abort();
      viewport.current = null;
      engine?.destroy();
    };
  }, [adapterId, studyUid]);

  useEffect(() => {
    const vp = viewport.current;
    if (!vp || !win) return;
    vp.setProperties({ voiRange: rangeOf(win) });
    vp.render();
  }, [win]);

  useEffect(() => {
    const vp = viewport.current;
    if (!vp || vp.getCurrentImageIdIndex() === index) return;
    vp.setImageIdIndex(index).then(() => {
      if (win) vp.setProperties({ voiRange: rangeOf(win) });
      vp.render();
    }).catch(setError);
    // the window follows the reader, not each image's own
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [index]);

  const ready = total !== null && win !== null && initial !== null;
  return (
    <section className="viewer card" aria-labelledby="viewer-title" aria-busy={!ready && !error}>
      <h3 id="viewer-title" ref={heading} tabIndex={-1}>{t('panel.viewer.title')}</h3>
      <ErrorNote error={error} />
      {!ready && !error && <p>{t('panel.viewer.loading')}</p>}
      <div ref={element} className="dicom" role="img" aria-label={ready ? t('panel.viewer.canvas', {
        n: formatNumber(index + 1, lang), total: formatNumber(total, lang),
        width: formatNumber(win.width, lang), centre: formatNumber(win.centre, lang),
      }) : undefined} onContextMenu={(e) => e.preventDefault()} />
      {ready && (
        <div className="viewer-controls">
          {total > 1 && <label>{t('panel.viewer.image')} ({t('panel.viewer.of', { n: formatNumber(index + 1, lang), total: formatNumber(total, lang) })})
            <input type="range" name="image" min={0} max={total - 1} value={index} onChange={(e) => setIndex(Number(e.target.value))} />
          </label>}
          <label>{t('panel.viewer.window')}
            <input type="range" name="window" min={1} max={Math.max(initial.width * 4, 2)} value={win.width}
              onChange={(e) => setWin({ ...win, width: Number(e.target.value) })} />
          </label>
          <label>{t('panel.viewer.level')}
            <input type="range" name="level" min={initial.centre - initial.width * 2} max={initial.centre + initial.width * 2}
              value={win.centre} onChange={(e) => setWin({ ...win, centre: Number(e.target.value) })} />
          </label>
        </div>
      )}
      <Button variant="secondary" onPress={onClose}>{t('panel.viewer.close')}</Button>
    </section>
  );
}
