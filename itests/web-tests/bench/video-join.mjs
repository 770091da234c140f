// Issue 18's join benchmark (run by itests VideoBenchmark through bench/video.sh; not a test): how long from a
// patient pressing "Join the visit" until the first frame of the doctor's picture is on her screen, through the hub
// (the socket's video.join, the roster, the offer and answer relayed between the two browsers, ICE on 127.0.0.1),
// beside a reference in the same browser with the same fake camera: a loopback pair of RTCPeerConnections in one page
// that exchange their descriptions directly (no hub, no network round trip), from getUserMedia to the first frame.
// Both are timed inside the page (performance.now, requestVideoFrameCallback), so no driver round trip is counted.
// The patient was admitted once before the rounds (admitted members re-enter at once); each round reloads her page.
// Prints one JSON line with every round.
import { chromium } from '@playwright/test';

const base = process.env.TELEHUB_BASE_URL;
const rounds = Number(process.env.BENCH_ROUNDS || 10);
const visit = process.env.BENCH_VISIT;
const pw = process.env.BENCH_PASSWORD;
const [doctor, patient] = [process.env.BENCH_DOCTOR, process.env.BENCH_PATIENT];
if (!base || !visit) throw new Error('TELEHUB_BASE_URL and BENCH_VISIT are set by VideoBenchmark');

const browser = await chromium.launch({
  executablePath: process.env.TELEHUB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--ignore-certificate-errors-spki-list=${process.env.TELEHUB_SPKI}`],
});

async function signedIn(username) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

async function openRoom(page) {
  await page.goto(`${base}/encounters/${visit}`);
  await page.locator('section.room').getByRole('button', { name: 'Join the visit', exact: true }).waitFor();
}

/** In the page: press Join, then wait for the first frame of `member`'s picture; milliseconds between. */
function joinToFirstFrame(page, member) {
  return page.evaluate((m) => new Promise((resolve, reject) => {
    const button = [...document.querySelectorAll('section.room button')].find((b) => b.textContent.trim() === 'Join the visit');
    const t0 = performance.now();
    button.click();
    const deadline = setTimeout(() => reject(new Error('no frame within 30 s')), 30_000);
    const look = () => {
      const v = document.querySelector(`video[data-member="${m}"]:not([data-self])`);
      if (!v) { setTimeout(look, 5); return; }
      v.requestVideoFrameCallback(() => { clearTimeout(deadline); resolve(performance.now() - t0); });
    };
    look();
  }), member);
}

/** The reference: getUserMedia → a loopback pair in the page → the first frame on the receiving side. */
function loopbackToFirstFrame(page) {
  return page.evaluate(() => new Promise(async (resolve, reject) => {
    const t0 = performance.now();
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const v = document.createElement('video');
    v.muted = true;
    v.autoplay = true;
    document.body.append(v);
    const deadline = setTimeout(() => reject(new Error('no frame within 30 s')), 30_000);
    b.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      v.srcObject = e.streams[0];
      v.requestVideoFrameCallback(() => {
        clearTimeout(deadline);
        const ms = performance.now() - t0;
        stream.getTracks().forEach((t) => t.stop());
        a.close(); b.close(); v.remove();
        resolve(ms);
      });
    };
    stream.getTracks().forEach((t) => a.addTrack(t, stream));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
  }));
}

const doc = await signedIn(doctor);
await openRoom(doc);
await doc.locator('section.room').getByRole('button', { name: 'Join the visit', exact: true }).click();
await doc.locator('.room-status[data-state="in-room"]').waitFor();
const pat = await signedIn(patient);
await openRoom(pat);
// once: she waits, the doctor admits her (which starts the visit)
await pat.locator('section.room').getByRole('button', { name: 'Join the visit', exact: true }).click();
await pat.locator('.room-status[data-state="waiting"]').waitFor();
const admit = doc.getByRole('button', { name: /^Admit /, exact: false });
await admit.click();
await pat.locator('.room-status[data-state="in-room"]').waitFor();
const ref = await browser.newContext();
const refPage = await ref.newPage();
await refPage.goto(`${base}/login`); // a secure page of the same origin: getUserMedia allowed

const hub = [];
const loopback = [];
for (let i = 0; i < rounds; i += 1) {
  await openRoom(pat); // a reload: the old peer leaves, the page starts afresh
  await doc.locator(`video[data-member="${patient}"]:not([data-self])`).waitFor({ state: 'detached', timeout: 30_000 });
  hub.push(Math.round(await joinToFirstFrame(pat, doctor)));
  loopback.push(Math.round(await loopbackToFirstFrame(refPage)));
}
await browser.close();
console.log(JSON.stringify({ hub, loopback }));
