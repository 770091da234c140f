// Consented recording of a video visit in real browsers (issue 18): the hub's media engine (webrtc-java in a child
// JVM) joins the room as the recorder once the doctor starts it, and only when everyone in the room consented; both
// people see that it records; `kill -9` of the engine 30 s in leaves the hub up, the engine comes back and recording
// goes on in a new part, and the part the kill cut holds its 30 s; a withdrawn consent stops it. The recordings are
// read back through the hub (decrypted) with Debian's ffprobe and ffmpeg, and found encrypted in the file store's
// directory. The patient uses the app in Persian on a phone, the doctor in English on a desktop.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, enrolTotp, env, laidOut, screenshot, seedVideoVisit, signIn } from './helpers.js';

const PW = env('TELEHUB_PASSWORD');
const doctor = { user: 'rec.doctor', name: 'Dr Roya Recorder' };
const patient = { user: 'rec.patient', name: 'Pegah Pouya' };
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `recording-${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);

let seed;

test.beforeAll(async ({ playwright }) => {
  seed = read('seed');
  if (seed) return;
  const visit = await seedVideoVisit(playwright, {
    doctor, patient, clinic: 'Recording Clinic', birthDate: '1988-03-01', password: PW, visit: { recordingEnabled: true },
  });
  seed = { totp: await enrolTotp(playwright, doctor.user, PW), visit: visit.id };
  keep('seed', seed);
});

/** The media engine's process id (the hub's child JVM), or null. */
function enginePid() {
  try {
    const out = execFileSync('pgrep', ['-f', 'org.telehub.media.internal.engine.Main'], { encoding: 'utf8' }).trim();
    return out ? Number(out.split('\n')[0]) : null;
  } catch {
    return null; // pgrep: nothing matched
  }
}

/** Seconds of audio in a WebM file (the last packet's time: a recording written as a stream has no duration). */
function audioSeconds(file) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time',
    '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim().split(/\s+/);
  return Number(out.at(-1).replace(',', ''));
}

/** ffmpeg volumedetect's report of a recording (its max_volume in dBFS among it). */
function maxVolumeDb(file) {
  return spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'volumedetect', '-f', 'null', '-'],
    { encoding: 'utf8' }).stderr;
}

/** Every file under `root` (the file store's directory). */
function filesUnder(root) {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(root, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

test.describe.serial('a recorded visit', () => {
  test.describe.configure({ timeout: 300_000 });

  test('recording needs everyone\'s consent, survives the engine being killed, stops when a consent is withdrawn, and lands encrypted', async ({ browser }) => {
    // the patient: Persian, on a phone
    // (ignoreHTTPSErrors: the contexts' own API requests below meet the hub's self-signed certificate too)
    const pc = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true });
    const pat = await pc.newPage();
    await signIn(pat, patient.user, PW);
    await pat.waitForURL(/\/visits$/);
    await pat.evaluate(() => localStorage.setItem('telehub.lang', 'fa')); // her language, chosen once signed in
    await pat.goto(`/encounters/${seed.visit}`);
    const patRoom = pat.locator('section.room');
    await patRoom.getByRole('button', { name: 'ورود به ویزیت', exact: true }).click();
    await expect(patRoom.locator('.room-status')).toHaveAttribute('data-state', 'waiting');
    // asked for her consent while she waits; not given yet
    await expect(patRoom.getByTestId('consent')).toHaveAttribute('data-consent', 'no');

    const dc = await browser.newContext({ ignoreHTTPSErrors: true });
    const doc = await dc.newPage();
    await signIn(doc, doctor.user, PW, seed.totp);
    await doc.waitForURL(/\/agenda$/);
    await doc.goto(`/encounters/${seed.visit}`);
    const docRoom = doc.locator('section.room');
    await docRoom.getByRole('button', { name: 'Join the visit', exact: true }).click();
    await expect(docRoom.locator('.room-status')).toHaveAttribute('data-state', 'in-room');
    await docRoom.getByTestId('waiting-list').getByRole('button', { name: `Admit ${patient.name}`, exact: true }).click();
    await expect(patRoom.locator('.room-status')).toHaveAttribute('data-state', 'in-room');

    // nobody consented: the hub refuses, naming who has not, and nothing records
    await expect(docRoom.getByTestId('consent-missing')).toContainText(patient.name);
    await docRoom.getByRole('button', { name: 'Start recording', exact: true }).click();
    await expect(docRoom.getByRole('alert')).toContainText('Recording needs everyone');
    await expect(docRoom.getByRole('alert')).toContainText(patient.name);
    await expect(docRoom.getByTestId('recording')).toHaveCount(0);
    // the doctor consents; the patient not yet: still refused, naming her only
    await docRoom.getByRole('button', { name: 'I agree to be recorded', exact: true }).click();
    await expect(docRoom.getByTestId('consent')).toHaveAttribute('data-consent', 'yes');
    await docRoom.getByRole('button', { name: 'Start recording', exact: true }).click();
    await expect(docRoom.getByRole('alert')).toContainText(patient.name);
    await expect(docRoom.getByRole('alert')).not.toContainText(doctor.name);
    await patRoom.getByRole('button', { name: 'با ضبط موافقم', exact: true }).click();
    await expect(patRoom.getByTestId('consent')).toHaveAttribute('data-consent', 'yes');
    await expect(docRoom.getByTestId('consent-missing')).toHaveCount(0);

    // recording: both see it (the engine may still be starting right after the hub did: try again until it is up)
    await expect(async () => {
      await docRoom.getByRole('button', { name: 'Start recording', exact: true }).click();
      await expect(docRoom.getByTestId('recording')).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 60_000 });
    const started = Date.now();
    await expect(patRoom.getByTestId('recording')).toBeVisible();
    await expect(patRoom.getByTestId('recording')).toContainText('در حال ضبط');
    await expect(docRoom.getByRole('button', { name: 'Stop recording', exact: true })).toBeVisible();
    await screenshot(pat, 'recording-patient-fa-phone');
    await screenshot(doc, 'recording-doctor');
    await accessible(pat, 'recording patient fa phone');
    await accessible(doc, 'recording doctor');
    await laidOut(pat, 'recording-patient-fa-phone-layout');

    // 30 s in, the engine is killed outright: the hub answers, the engine comes back, recording goes on in part 2
    const pid = enginePid();
    expect(pid, 'the media engine runs as its own process').toBeTruthy();
    await new Promise((r) => setTimeout(r, Math.max(0, 31_000 - (Date.now() - started))));
    process.kill(pid, 'SIGKILL');
    const health = await doc.request.get('/api/v1/health');
    expect(health.status(), 'the hub is up').toBe(200);
    await expect.poll(enginePid, { message: 'the engine is started again', timeout: 30_000 }).not.toBe(pid);
    await expect.poll(enginePid, { timeout: 30_000 }).toBeTruthy();
    const parts = async () => (await (await doc.request.get(`/api/v1/video/${seed.visit}/recordings`)).json()).items;
    await expect.poll(async () => (await parts()).map((p) => `${p.part}:${p.state}`).join(' '),
      { message: 'part 1 interrupted, part 2 recording', timeout: 45_000 }).toBe('1:interrupted 2:recording');
    await expect(docRoom.getByTestId('recording')).toBeVisible();
    await expect(patRoom.getByTestId('recording')).toBeVisible();
    await new Promise((r) => setTimeout(r, 5_000)); // some seconds of part 2

    // the patient withdraws her consent: recording stops at once, and both are told why
    await patRoom.getByRole('button', { name: 'پس گرفتن رضایت', exact: true }).click();
    await expect(docRoom.getByTestId('recording')).toHaveCount(0);
    await expect(patRoom.getByTestId('recording')).toHaveCount(0);
    await expect(docRoom.getByTestId('recording-note')).toHaveAttribute('data-reason', 'withdrawn');
    await expect(docRoom.getByTestId('recording-note')).toContainText(`${patient.name} withdrew their consent`);
    await expect(patRoom.getByTestId('recording-note')).toContainText('رضایت خود را پس گرفت');
    await screenshot(pat, 'recording-withdrawn-fa-phone');
    await expect.poll(async () => (await parts()).map((p) => `${p.part}:${p.state}`).join(' '), { timeout: 20_000 })
      .toBe('1:interrupted 2:stopped');

    // the parts, read back through the hub (decrypted): part 1 holds the 30 s the kill cut, with sound in it
    const tmp = path.join(os.tmpdir(), `telehub-recording-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    const items = await parts();
    const seconds = [];
    for (const p of items) {
      const r = await doc.request.get(`/api/v1/video/${seed.visit}/recordings/${p.id}`);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toContain('audio/webm');
      const file = path.join(tmp, `part-${p.part}.webm`);
      writeFileSync(file, await r.body());
      expect(statSync(file).size).toBe(p.sizeBytes);
      seconds.push(audioSeconds(file));
    }
    expect(seconds[0], 'the part cut by kill -9 at 30 s keeps at least 25 s').toBeGreaterThanOrEqual(25);
    expect(seconds[0]).toBeLessThan(40);
    expect(seconds[1], 'part 2 recorded after the engine came back').toBeGreaterThan(2);
    const volume = maxVolumeDb(path.join(tmp, 'part-1.webm')).match(/max_volume: (-?[0-9.]+) dB/);
    expect(volume, 'ffmpeg measured the recording').toBeTruthy();
    expect(Number(volume[1]), 'the beeps of the browsers\' fake microphones, not silence').toBeGreaterThan(-40);
    keep('measured', { seconds, maxVolumeDb: Number(volume[1]), sizes: items.map((p) => p.sizeBytes) });

    // at rest: the file store holds them encrypted (its appended format), nothing of the WebM in the clear
    const store = path.join(env('TELEHUB_KARAF_ETC'), '..', 'data', 'telehub', 'files');
    const stored = filesUnder(store).map((f) => readFileSync(f)).filter((b) => b.subarray(0, 4).toString() === 'THA1');
    expect(stored.length, 'both parts are appended files of the store').toBeGreaterThanOrEqual(2);
    for (const b of stored) {
      expect(b.includes(Buffer.from('OpusHead')), 'no Opus header in the clear').toBe(false);
      expect(b.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), 'no WebM header in the clear').toBe(false);
    }

    // the doctor finds the recordings on the visit; the patient does not see them
    await doc.reload();
    const list = doc.getByTestId('recordings');
    await expect(list.locator('li')).toHaveCount(2);
    await expect(list.locator('audio')).toHaveCount(2);
    await screenshot(doc, 'recording-list-doctor');
    await expect(pat.getByTestId('recordings')).toHaveCount(0);
    expect((await pat.request.get(`/api/v1/video/${seed.visit}/recordings`)).status()).toBe(403);
    await pc.close();
    await dc.close();
  });
});
