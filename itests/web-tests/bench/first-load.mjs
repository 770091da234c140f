// Issue 16's first-load benchmark (run by itests WebBenchmark through bench/web.sh; not a test): the sign-in page of
// the web app in Debian's chromium over the hub's HTTPS on 127.0.0.1, each round in a new browser context (an
// empty cache: what a patient opening a join link for the first time gets) and then reloaded in the same context
// (the repeat visit: index.html revalidated, hashed assets from the cache) as the reference, interleaved.
// Measured per load: bytes transferred on the wire by type (compressed sizes as sent), and time to interactive =
// navigation start until the app has rendered the sign-in form (React attaches its event handlers at the root before
// it commits the form), taken in the page by a MutationObserver so no round trip of the driver is counted; the form
// is then typed into to check that it does react.
// Prints one JSON line with every round.
import { chromium } from '@playwright/test';

const base = process.env.TELEHUB_BASE_URL;
const rounds = Number(process.env.BENCH_ROUNDS || 9);
if (!base) throw new Error('TELEHUB_BASE_URL is not set');

const browser = await chromium.launch({
  executablePath: process.env.TELEHUB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--ignore-certificate-errors-spki-list=${process.env.TELEHUB_SPKI}`],
});

/** One navigation to /login: bytes per resource type from CDP (encodedDataLength: on the wire) and the TTI. */
async function load(page, cdp, reload) {
  const bytes = {};
  const types = new Map();
  const onResp = (e) => types.set(e.requestId, e.type);
  const onDone = (e) => {
    const t = (types.get(e.requestId) || 'Other').toLowerCase();
    bytes[t] = (bytes[t] || 0) + e.encodedDataLength;
  };
  cdp.on('Network.responseReceived', onResp);
  cdp.on('Network.loadingFinished', onDone);
  if (reload) await page.reload({ waitUntil: 'commit' });
  else await page.goto(`${base}/login`, { waitUntil: 'commit' });
  const field = page.getByLabel('Username');
  await field.waitFor({ state: 'visible' });
  await field.fill('x');
  // interactive: React's controlled input holds what was typed (the handler ran)
  await page.waitForFunction(() => document.querySelector('input[name=username]')?.value === 'x');
  const tti = await page.evaluate(() => window.__telehubFormAt);
  await page.waitForLoadState('networkidle');
  cdp.off('Network.responseReceived', onResp);
  cdp.off('Network.loadingFinished', onDone);
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { ttfb: n.responseStart, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd };
  });
  return { tti: Math.round(tti), ...Object.fromEntries(Object.entries(nav).map(([k, v]) => [k, Math.round(v)])), bytes };
}

const cold = [];
const warm = [];
// one throwaway round first: the hub's JIT and chromium's own start-up are not the app's first load
for (let i = 0; i <= rounds; i++) {
  const context = await browser.newContext({ ignoreHTTPSErrors: false, viewport: { width: 390, height: 844 } });
  await context.addInitScript(() => {
    const seen = () => {
      if (window.__telehubFormAt === undefined && document.querySelector('input[name=username]')) {
        window.__telehubFormAt = performance.now();
        return true;
      }
      return false;
    };
    new MutationObserver((_, o) => { if (seen()) o.disconnect(); }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const c = await load(page, cdp, false);
  const w = await load(page, cdp, true);
  if (i > 0) { cold.push(c); warm.push(w); }
  await context.close();
}
await browser.close();
console.log(JSON.stringify({ rounds, cold, warm }));
