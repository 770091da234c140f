// A video visit in real browsers (issue 18): the patient waits in the hub's waiting room until the doctor admits her,
// then both see and hear each other peer to peer (Chromium's fake camera and microphone), the microphone and screen
// sharing reach the other side, relayed-only media go through WebIT's real coturn, an expired TURN credential is
// refused by it, the room is laid out right to left in Persian on a phone, and the doctor ends the visit for everyone;
// a clinic portal subscribed by webhook (a server of this spec on 127.0.0.1) hears the session become Current, then
// Completed, signed.
// Seeded through the REST API as the administrator; own usernames (video.*), so no other spec is disturbed. The
// visit starts two minutes after the next whole minute: its room opens 10 minutes before the start.
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, apiAs, enrolTotp, env, laidOut, ok, screenshot, seedVideoVisit, signIn } from './helpers.js';

const PW = env('TELEHUB_PASSWORD');
const doctor = { user: 'video.doctor', name: 'Dr Darius Video' };
const patient = { user: 'video.patient', name: 'Parisa Payami' };
const colleague = { user: 'video.nurse', name: 'Nasim Nikpour' };

/**
 * A Y4M clip (4:2:0) of `frames` frames: a bright bar moving across a mid-grey picture, so a decoder has changing
 * pixels to decode. Chromium loops it as its fake camera.
 */
function y4m(width, height, frames) {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  const parts = [header];
  for (let f = 0; f < frames; f += 1) {
    const y = Buffer.alloc(width * height, 110);
    const x0 = Math.floor((f / frames) * width);
    for (let row = 0; row < height; row += 1) y.fill(235, row * width + x0, row * width + Math.min(width, x0 + 16));
    parts.push(Buffer.from('FRAME\n'), y, Buffer.alloc((width / 2) * (height / 2) * 2, 128));
  }
  return Buffer.concat(parts);
}
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `video-${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);

let seed;

/**
 * A clinic portal: a webhook subscription of the hub to a server on 127.0.0.1 that keeps what it is sent and checks
 * each signature (`X-Telehub-Signature: t=…,v1=<HMAC-SHA256 of "t.body">` with the subscription's secret).
 */
const portal = { events: [], server: null, hook: null, secret: 'video-portal-secret-0123456789abcdef' };

test.beforeAll(async ({ playwright }) => {
  portal.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const sig = /t=(\d+),v1=([0-9a-f]+)/.exec(String(req.headers['x-telehub-signature'] ?? ''));
      const signed = !!sig && createHmac('sha256', portal.secret).update(`${sig[1]}.${body}`).digest('hex') === sig[2];
      try { portal.events.push({ ...JSON.parse(body), signed }); } catch { /* not an event */ }
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => portal.server.listen(0, '127.0.0.1', r));
  const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  portal.hook = (await ok(await admin.post('/api/v1/webhooks', {
    data: { url: `http://127.0.0.1:${portal.server.address().port}/telehub`, secret: portal.secret, description: 'video.spec portal' },
  }))).id;
  await admin.dispose();
  seed = read('seed');
  if (seed) return; // a worker restarted after a failure finds what was seeded here
  const visit = await seedVideoVisit(playwright, { doctor, patient, clinic: 'Video Clinic', birthDate: '1990-06-01', password: PW });
  expect(visit.roomId, 'a video visit has a room').toBeTruthy();
  const totp = await enrolTotp(playwright, doctor.user, PW); // WebIT's config requires it of doctors
  seed = { totp, visit: visit.id };
  keep('seed', seed);
});

test.afterAll(async ({ playwright }) => {
  if (portal.hook) {
    const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
    await ok(await admin.delete(`/api/v1/webhooks/${portal.hook}`));
    await admin.dispose();
  }
  portal.server?.close();
});

/** The portal statuses (`sessionStatus`) the portal was told for the visit, in order, each signed. */
const portalSaw = () => portal.events.filter((e) => e.encounterId === seed.visit).map((e) => `${e.sessionStatus}${e.signed ? '' : ' (unsigned)'}`);

/**
 * The `video.join` answers this page received over /ws (what the hub gave it: the ICE transport policy among them),
 * read from the socket's frames as they arrive.
 */
function joinAnswers(page) {
  const acks = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    try {
      const f = JSON.parse(String(payload));
      if (f.type === 'ack' && f.data && 'iceTransportPolicy' in f.data) acks.push(f.data);
    } catch { /* not JSON: not ours */ }
  }));
  return acks;
}

/**
 * The offers this page was relayed over /ws (`video.signal` events with an offer): who sent it and its ICE username
 * fragment, which an ICE restart changes.
 */
function offersTo(page) {
  const offers = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    try {
      const f = JSON.parse(String(payload));
      const d = f.data?.description;
      if (f.type === 'video.signal' && d?.type === 'offer') {
        offers.push({ member: f.data.member, ufrag: /a=ice-ufrag:(\S+)/.exec(d.sdp ?? '')?.[1] });
      }
    } catch { /* not JSON: not ours */ }
  }));
  return offers;
}

/**
 * A new browser context with a stored login ('patient' or 'doctor') on the visit's page, its room shown but not
 * joined yet; `lang` and `viewport` for the localised test.
 */
async function openVisit(browser, who, { lang, viewport, isMobile } = {}) {
  const context = await browser.newContext({
    storageState: read(who), ...(viewport ? { viewport, isMobile, hasTouch: isMobile } : {}),
  });
  if (lang) await context.addInitScript((l) => localStorage.setItem('telehub.lang', l), lang);
  const page = await context.newPage();
  const acks = joinAnswers(page);
  await page.goto(`/encounters/${seed.visit}`);
  const room = page.locator('section.room');
  await expect(room).toBeVisible();
  return { context, page, room, acks };
}

/** The room's status line: `idle`, `joining`, `waiting`, `in-room` or `left`. */
const roomState = (room) => room.locator('.room-status');

/** The picture of another member in the room (not one's own self-view). */
const remoteVideo = (member) => `video[data-member="${member}"]:not([data-self])`;
const tileVideo = (room, member) => room.locator(remoteVideo(member));
/** The tile (figure) of `member` in `room`; `has` takes a locator relative to the figure, so built from the page. */
const tileOf = (room, member) => room.locator('figure.tile').filter({ has: room.page().locator(remoteVideo(member)) });

/** A remote tile's video shows a picture and keeps decoding new frames. */
async function decoding(video, what) {
  await expect.poll(() => video.evaluate((v) => v.videoWidth), { message: `${what}: a picture`, timeout: 30_000 })
    .toBeGreaterThan(0);
  const frames = () => video.evaluate((v) => v.getVideoPlaybackQuality().totalVideoFrames);
  const before = await frames();
  await expect.poll(frames, { message: `${what}: new frames decoded`, timeout: 10_000 }).toBeGreaterThan(before);
}

/**
 * The loudest sample, over 3 s, of the sound a remote tile's video carries, measured in the page by a Web Audio
 * AnalyserNode on the video's srcObject (Chromium's fake microphone beeps).
 */
function loudness(video) {
  return video.evaluate(async (v) => {
    const ctx = new AudioContext();
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(v.srcObject).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + 3000;
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(data);
      for (const x of data) peak = Math.max(peak, Math.abs(x));
      await new Promise((r) => setTimeout(r, 50));
    }
    await ctx.close();
    return peak;
  });
}

/** Sets `relayOnly` in the hub's org.telehub.video.cfg (WebIT wrote it with the TURN settings, which are kept). */
function relayOnly(on) {
  const file = path.join(env('TELEHUB_KARAF_ETC'), 'org.telehub.video.cfg');
  const text = readFileSync(file, 'utf8');
  const line = `relayOnly = ${on}`;
  writeFileSync(file, /^\s*relayOnly\s*[=:].*$/m.test(text) ? text.replace(/^\s*relayOnly\s*[=:].*$/m, line)
    : `${text.replace(/\n?$/, '\n')}${line}\n`);
}

test.describe.serial('a video visit', () => {
  test.describe.configure({ timeout: 240_000 });

  test('the patient waits until the doctor admits her; then they see and hear each other, and mute and share the screen', async ({ browser }) => {
    const pc = await browser.newContext();
    const pat = await pc.newPage();
    await signIn(pat, patient.user, PW);
    await expect(pat).toHaveURL(/\/visits$/);
    keep('patient', await pc.storageState());
    await pat.goto(`/encounters/${seed.visit}`);
    const patRoom = pat.locator('section.room');
    await expect(patRoom.getByRole('heading', { name: 'Video visit' })).toBeVisible();
    // before joining: the device check (the fake camera's picture) and the button
    await patRoom.getByRole('button', { name: 'Check camera and microphone' }).click();
    await expect(patRoom.getByTestId('camera-ok')).toBeVisible();
    await patRoom.getByRole('button', { name: 'Join the visit', exact: true }).click();
    await expect(roomState(patRoom)).toHaveAttribute('data-state', 'waiting');
    await expect(patRoom.getByRole('heading', { name: 'Please wait: the doctor will admit you' })).toBeVisible();
    await expect(patRoom.getByText('The doctor lets each person into the room when they are ready')).toBeVisible();
    await expect(patRoom.locator('video[data-peer]:not([data-self])')).toHaveCount(0); // nobody of the room reaches her
    await screenshot(pat, 'video-waiting');
    await accessible(pat, 'video waiting');

    const dc = await browser.newContext();
    const doc = await dc.newPage();
    const offers = offersTo(doc);
    await signIn(doc, doctor.user, PW, seed.totp);
    await expect(doc).toHaveURL(/\/agenda$/);
    keep('doctor', await dc.storageState());
    await doc.goto(`/encounters/${seed.visit}`);
    const docRoom = doc.locator('section.room');
    await docRoom.getByRole('button', { name: 'Join the visit', exact: true }).click();
    await expect(roomState(docRoom)).toHaveAttribute('data-state', 'in-room'); // the doctor enters at once
    const waiting = docRoom.getByTestId('waiting-list');
    await expect(waiting).toContainText(patient.name);
    await screenshot(doc, 'video-admit-panel');
    await accessible(doc, 'video admit panel');
    await waiting.getByRole('button', { name: `Admit ${patient.name}`, exact: true }).click();

    // in: each sees the other's picture, frames keep coming, and the other's sound is there
    await expect(roomState(patRoom)).toHaveAttribute('data-state', 'in-room');
    const docSeesPat = tileVideo(docRoom, patient.user);
    const patSeesDoc = tileVideo(patRoom, doctor.user);
    await decoding(patSeesDoc, 'the patient sees the doctor');
    await decoding(docSeesPat, 'the doctor sees the patient');
    expect(await loudness(patSeesDoc), 'the patient hears the doctor').toBeGreaterThan(0.01);
    expect(await loudness(docSeesPat), 'the doctor hears the patient').toBeGreaterThan(0.01);
    await expect(roomState(patRoom)).toHaveText(`In the room with ${doctor.name}`);
    // the first admission started the visit: both pages show it
    await expect(pat.getByTestId('visit-status')).toHaveText('In progress');
    await expect(doc.getByTestId('visit-status')).toHaveText('In progress');
    // and the clinic's portal is told, signed: the session is Current
    await expect.poll(portalSaw, { message: 'the portal heard Current', timeout: 20_000 }).toContain('Current');
    // the call's quality per connection, and its path (directly here, both on 127.0.0.1)
    await expect(docRoom.locator('[data-testid^="quality-"]')).toHaveAttribute('data-path', /^(direct|relay)$/, { timeout: 15_000 });
    await expect(docRoom.locator('[data-testid^="quality-"]')).toContainText('Connection: good');

    // her network changes (the browser's "online" signal, as after Wi-Fi → mobile data): her page restarts ICE with
    // every peer, the doctor is relayed a new offer with new ICE credentials, and her picture keeps coming
    const ufrags = () => [...new Set(offers.filter((o) => o.member === patient.user && o.ufrag).map((o) => o.ufrag))];
    const known = ufrags().length;
    expect(known, 'her first offer reached the doctor').toBeGreaterThan(0);
    await pat.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => ufrags().length, { message: 'an ICE restart offer', timeout: 15_000 }).toBeGreaterThan(known);
    await decoding(docSeesPat, 'the doctor sees the patient after the ICE restart');
    await decoding(patSeesDoc, 'the patient sees the doctor after the ICE restart');

    // the patient turns her microphone off: the doctor's tile of her says so
    await patRoom.getByRole('button', { name: 'Turn microphone off', exact: true }).click();
    await expect(patRoom.getByRole('button', { name: 'Turn microphone on', exact: true })).toBeVisible();
    const patTile = tileOf(docRoom, patient.user);
    await expect(patTile.getByText('Microphone off')).toBeVisible();
    await patRoom.getByRole('button', { name: 'Turn microphone on', exact: true }).click();
    await expect(patTile.getByText('Microphone off')).toHaveCount(0);

    // the doctor shares the screen: the same video sender now sends the screen (16:9, where the fake camera is 4:3)
    // and the patient keeps decoding it. Debian's Chromium in headless mode with --use-fake-ui-for-media-stream
    // grants getDisplayMedia the whole (virtual) screen, so sharing works here; were it refused, the room would say
    // "Screen sharing did not start: <the browser's reason>" in an alert instead of "Stop sharing".
    await docRoom.getByRole('button', { name: 'Share screen', exact: true }).click();
    await expect(docRoom.getByRole('button', { name: 'Stop sharing', exact: true })).toBeVisible();
    await expect(docRoom.getByText('Screen sharing did not start')).toHaveCount(0);
    await expect(tileOf(patRoom, doctor.user).getByText('Sharing the screen')).toBeVisible();
    await expect.poll(() => patSeesDoc.evaluate((v) => v.videoWidth / v.videoHeight), { timeout: 15_000 }).toBeGreaterThan(1.5);
    await decoding(patSeesDoc, 'the patient sees the shared screen');
    await screenshot(pat, 'video-call-patient');
    await screenshot(doc, 'video-call-doctor');
    await accessible(pat, 'video call patient');
    await accessible(doc, 'video call doctor');
    await docRoom.getByRole('button', { name: 'Stop sharing', exact: true }).click();
    await expect(docRoom.getByRole('button', { name: 'Share screen', exact: true })).toBeVisible();
    await decoding(patSeesDoc, 'the patient sees the doctor\'s camera again');

    // the doctor mutes her: her microphone goes off and she is told
    await docRoom.getByRole('button', { name: `Mute ${patient.name}`, exact: true }).click();
    await expect(patRoom.getByText('The doctor muted your microphone.')).toBeVisible();
    await expect(patRoom.getByRole('button', { name: 'Turn microphone on', exact: true })).toBeVisible();
    await expect(patTile.getByText('Microphone off')).toBeVisible();
    await pc.close();
    await dc.close();
  });

  test('relayed media only: both connections go through the TURN server, and the pictures still come', async ({ browser }) => {
    relayOnly(true);
    try {
      await new Promise((r) => setTimeout(r, 3000)); // Karaf's file install picks the change up
      const d = await openVisit(browser, 'doctor');
      // the hub's answer to the join says "relay" (joined again until the new setting has arrived)
      await expect(async () => {
        await d.page.goto(`/encounters/${seed.visit}`);
        await d.room.getByRole('button', { name: 'Join the visit', exact: true }).click();
        await expect(roomState(d.room)).toHaveAttribute('data-state', 'in-room', { timeout: 5_000 });
        await expect.poll(() => d.acks.at(-1)?.iceTransportPolicy, { timeout: 2_000 }).toBe('relay');
      }).toPass({ timeout: 30_000 });
      const turnUrl = env('TELEHUB_TURN_URL');
      expect(d.acks.at(-1).iceServers.some((s) => [s.urls].flat().includes(turnUrl)), 'the TURN server is handed out').toBe(true);
      const p = await openVisit(browser, 'patient');
      await p.room.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(p.room)).toHaveAttribute('data-state', 'in-room'); // admitted before: in at once
      await expect.poll(() => p.acks.at(-1)?.iceTransportPolicy, { timeout: 2_000 }).toBe('relay');
      await decoding(tileVideo(p.room, doctor.user), 'relayed: the patient sees the doctor');
      await decoding(tileVideo(d.room, patient.user), 'relayed: the doctor sees the patient');
      for (const room of [p.room, d.room]) {
        const q = room.locator('[data-testid^="quality-"]');
        await expect(q).toHaveAttribute('data-path', 'relay', { timeout: 15_000 });
        await expect(q).toContainText('relayed');
      }
      await screenshot(p.page, 'video-relay-patient');
      await p.context.close();
      await d.context.close();
    } finally {
      relayOnly(false);
      await new Promise((r) => setTimeout(r, 3000));
    }
  });

  test('the TURN server refuses an expired credential and relays with a fresh one', async ({ page }) => {
    await page.goto('/login'); // any page of the hub: a secure context, for crypto.subtle
    const relays = (expiry) => page.evaluate(async ({ url, secret, expiry }) => {
      // the TURN REST scheme (coturn's use-auth-secret): username expiry:someone, credential base64(HMAC-SHA1)
      const username = `${expiry}:someone`;
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' },
        false, ['sign']);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(username)));
      const credential = btoa(String.fromCharCode(...mac));
      const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username, credential }], iceTransportPolicy: 'relay' });
      const types = [];
      const errors = [];
      const gathered = new Promise((resolve) => {
        pc.onicecandidate = (e) => { if (e.candidate) types.push(e.candidate.type); else resolve('complete'); };
        pc.onicecandidateerror = (e) => errors.push(`${e.errorCode} ${e.errorText}`);
        setTimeout(() => resolve('timeout'), 10_000);
      });
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
      const how = await gathered;
      pc.close();
      return { how, relay: types.filter((t) => t === 'relay').length, errors };
    }, { url: env('TELEHUB_TURN_URL'), secret: env('TELEHUB_TURN_SECRET'), expiry });
    const now = Math.floor(Date.now() / 1000);
    const expired = await relays(now - 60);
    expect(expired.relay, `an expired credential: ${JSON.stringify(expired)}`).toBe(0);
    const fresh = await relays(now + 600);
    expect(fresh.relay, `a fresh credential: ${JSON.stringify(fresh)}`).toBeGreaterThanOrEqual(1);
  });

  // before the end (the visit must still be open): the room in Persian, right to left, on a phone and a desktop
  test('the room in Persian, right to left, on a phone and on a desktop', async ({ browser }) => {
    const p = await openVisit(browser, 'patient', { lang: 'fa', viewport: { width: 390, height: 844 }, isMobile: true });
    const d = await openVisit(browser, 'doctor', { lang: 'fa', viewport: { width: 1280, height: 800 } });
    for (const { page, room } of [p, d]) {
      await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
      await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
      await expect(room.getByRole('heading', { name: 'ویزیت تصویری' })).toBeVisible();
      await room.getByRole('button', { name: 'ورود به ویزیت', exact: true }).click();
      await expect(roomState(room)).toHaveAttribute('data-state', 'in-room');
    }
    await decoding(tileVideo(p.room, doctor.user), 'fa: the patient sees the doctor');
    await decoding(tileVideo(d.room, patient.user), 'fa: the doctor sees the patient');
    await expect(p.room.getByRole('button', { name: 'خاموش کردن میکروفون', exact: true })).toBeVisible();
    await expect(p.room.locator('[data-testid^="quality-"]')).toHaveAttribute('data-path', /^(direct|relay)$/, { timeout: 15_000 });
    // the tiles' captions sit at the inline start: the right edge in Persian
    const caption = await p.room.locator('figure.tile:not(.self) figcaption').boundingBox();
    const tile = await p.room.locator('figure.tile:not(.self)').boundingBox();
    expect(tile.x + tile.width - (caption.x + caption.width), 'caption at the right').toBeLessThan(20);
    await laidOut(p.page, 'video-room-fa-phone');
    await laidOut(d.page, 'video-room-fa-desktop');
    await p.context.close();
    await d.context.close();
  });

  test('four people: a colleague enters at once, a guest with the access code waits to be admitted, the lead is handed to the colleague and back; the patient leaves and comes back at once', async ({ playwright }) => {
    // four browsers' worth of cameras on 2 cores: each context sends a small looping test clip (160×120, 15 fps,
    // written here as Y4M) instead of Chromium's 640×480 fake camera, so every picture keeps flowing in the mesh
    const clip = path.join(dir, 'video-small.y4m');
    writeFileSync(clip, y4m(160, 120, 30));
    const browser = await playwright.chromium.launch({
      executablePath: process.env.TELEHUB_CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${clip}`,
        ...(process.env.TELEHUB_SPKI ? [`--ignore-certificate-errors-spki-list=${process.env.TELEHUB_SPKI}`] : [])],
    });
    try {
      const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
      await ok(await admin.post('/api/v1/users', { data: { username: colleague.user, displayName: colleague.name, password: PW, roles: ['nurse'] } }));
      await ok(await admin.post(`/api/v1/encounters/${seed.visit}/invitations`, {
        data: { kind: 'colleague', displayName: colleague.name, username: colleague.user, email: 'nasim.nikpour@example.org' },
      }));
      await ok(await admin.post(`/api/v1/encounters/${seed.visit}/invitations`, {
        data: { kind: 'guest', displayName: 'Gita Guest', email: 'gita.guest@example.org' },
      }));
      const { accessCode } = await ok(await admin.get(`/api/v1/encounters/${seed.visit}/invitations`));
      await admin.dispose();

      const d = await openVisit(browser, 'doctor');
      const p = await openVisit(browser, 'patient');
      for (const { room } of [d, p]) await room.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(d.room)).toHaveAttribute('data-state', 'in-room');
      // the patient was admitted earlier in this visit: she enters at once
      await expect(roomState(p.room)).toHaveAttribute('data-state', 'in-room');

      // the colleague signs in with her own account and enters without waiting
      const cc = await browser.newContext();
      const col = await cc.newPage();
      await signIn(col, colleague.user, PW);
      await col.waitForURL((u) => !u.pathname.startsWith('/login')); // signed in before going on
      await col.goto(`/encounters/${seed.visit}`);
      const colRoom = col.locator('section.room');
      await colRoom.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(colRoom)).toHaveAttribute('data-state', 'in-room');

      // the guest has no account: the access code and a name, then the hub's waiting room
      const gc = await browser.newContext();
      const guest = await gc.newPage();
      await guest.goto('/join');
      await guest.getByLabel('Access code').fill(accessCode);
      await guest.getByLabel('Your name').fill('Gita Guest');
      await guest.getByRole('button', { name: 'Join', exact: true }).click();
      const guestRoom = guest.locator('section.room');
      await guestRoom.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(guestRoom)).toHaveAttribute('data-state', 'waiting');
      await expect(guestRoom.locator('video[data-peer]:not([data-self])')).toHaveCount(0);
      await d.room.getByRole('button', { name: 'Admit Gita Guest', exact: true }).click();
      await expect(roomState(guestRoom)).toHaveAttribute('data-state', 'in-room');

      // everyone sees the three others' pictures
      const people = [[d, doctor.user], [p, patient.user], [{ room: colRoom }, colleague.user], [{ room: guestRoom }, null]];
      const guestMember = await guestRoom.locator('video[data-self]').getAttribute('data-member');
      const members = [doctor.user, patient.user, colleague.user, guestMember];
      for (const [who, me] of people) {
        const mine = me ?? guestMember;
        await expect(who.room.locator('video[data-peer]:not([data-self])')).toHaveCount(3, { timeout: 30_000 });
        for (const other of members.filter((m) => m !== mine)) await decoding(tileVideo(who.room, other), `${mine} sees ${other}`);
      }
      await screenshot(d.page, 'video-four-doctor');
      await screenshot(guest, 'video-four-guest');

      // the doctor hands the lead to the colleague: the visit's controls are hers now, not his; he takes it back
      const end = (room) => room.getByRole('button', { name: 'End the visit for everyone', exact: true });
      await d.room.getByRole('button', { name: `Hand over the lead to ${colleague.name}`, exact: true }).click();
      await expect(end(colRoom)).toBeVisible();
      await expect(end(d.room)).toHaveCount(0);
      await expect(colRoom.getByTestId('in-room-list').locator(`li[data-member="${colleague.user}"]`)).toContainText('leads the visit');
      await expect(d.room.getByRole('button', { name: `Remove ${patient.name}`, exact: true })).toHaveCount(0);
      await expect(colRoom.getByRole('button', { name: `Remove ${patient.name}`, exact: true })).toBeVisible();
      await expect(colRoom.getByRole('button', { name: `Remove ${doctor.name}`, exact: true })).toHaveCount(0); // never the doctor
      await screenshot(col, 'video-handover-colleague');
      await accessible(col, 'video handover colleague');
      // his socket live first: a CI run found it reconnecting here ("not connected" on the press; cause not found)
      await expect(d.page.getByRole('region', { name: 'Messages' }).getByRole('status')).toHaveText('Live', { timeout: 30_000 });
      await d.room.getByRole('button', { name: 'Take the lead back', exact: true }).click();
      await expect(end(d.room)).toBeVisible();
      await expect(end(colRoom)).toHaveCount(0);

      // the patient closes her tab and opens the visit again: back in at once, and the others see her again
      await p.context.close();
      await expect(d.room.locator('video[data-peer]:not([data-self])')).toHaveCount(2, { timeout: 30_000 });
      const back = await openVisit(browser, 'patient');
      await back.room.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(back.room)).toHaveAttribute('data-state', 'in-room');
      await decoding(tileVideo(d.room, patient.user), 'the doctor sees the patient again');
      await decoding(tileVideo(back.room, colleague.user), 'the patient sees the colleague again');

      // the doctor sends the guest out: her page says so and the others no longer show her
      await d.room.getByRole('button', { name: 'Remove Gita Guest', exact: true }).click();
      await expect(guestRoom.getByTestId('room-left')).toHaveAttribute('data-reason', 'removed');
      await expect(back.room.locator('video[data-peer]:not([data-self])')).toHaveCount(2, { timeout: 30_000 });
      for (const c of [d.context, back.context, cc, gc]) await c.close();
    } finally {
      await browser.close();
    }
  });

  test('the doctor ends the visit for everyone: the patient is told, and the visit is completed', async ({ browser }) => {
    const p = await openVisit(browser, 'patient');
    const d = await openVisit(browser, 'doctor');
    for (const { room } of [p, d]) {
      await room.getByRole('button', { name: 'Join the visit', exact: true }).click();
      await expect(roomState(room)).toHaveAttribute('data-state', 'in-room');
    }
    await decoding(tileVideo(p.room, doctor.user), 'the patient sees the doctor');
    // the patient has no such button
    await expect(p.room.getByRole('button', { name: 'End the visit for everyone', exact: true })).toHaveCount(0);
    await d.room.getByRole('button', { name: 'End the visit for everyone', exact: true }).click();
    await expect(d.room.getByRole('group', { name: /^End the visit for everyone\?/ })).toBeVisible();
    await d.room.getByRole('button', { name: 'Yes, end the visit', exact: true }).click();
    for (const { page, room } of [p, d]) {
      await expect(room.getByTestId('room-left')).toHaveAttribute('data-reason', 'ended');
      await expect(room.getByTestId('room-left')).toHaveText('The visit has ended.');
      await expect(room.locator('video[data-peer]')).toHaveCount(0); // every connection closed, every tile gone
      await expect(page.getByTestId('visit-status')).toHaveText('Completed');
    }
    await screenshot(p.page, 'video-ended');
    // the portal heard the session become Current and then Completed, each signed (a worker restarted after a
    // failure subscribed again after the start, and hears the end only)
    await expect.poll(portalSaw, { message: 'the portal heard Completed', timeout: 20_000 }).toContain('Completed');
    const heard = portalSaw();
    expect(heard.filter((x) => x.includes('unsigned')), 'every portal event signed').toEqual([]);
    if (heard.includes('Current')) expect(heard.indexOf('Current')).toBeLessThan(heard.indexOf('Completed'));
    // what the browsers measured during the visit is kept: the doctor reads it per person on the visit page
    const quality = d.page.getByRole('region', { name: 'Call quality' });
    await expect(quality.locator(`tr[data-member="${patient.user}"]`)).toContainText(patient.name);
    await expect(quality.locator(`tr[data-member="${doctor.user}"]`)).toContainText(/\d+ \/ \d+ ms/);
    await screenshot(d.page, 'video-call-quality');
    await accessible(d.page, 'video call quality');
    await expect(p.page.getByRole('region', { name: 'Call quality' })).toHaveCount(0); // the doctor's, not hers
    // the room stays closed: after a reload it says so and offers no way in
    await p.page.reload();
    await expect(p.room.getByText('This visit is over: its room is closed.')).toBeVisible();
    await expect(p.room.getByRole('button', { name: 'Join the visit', exact: true })).toHaveCount(0);
    await p.context.close();
    await d.context.close();
  });
});
