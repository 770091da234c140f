import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (WebIT sets it)`);
  return v;
};

const shots = process.env.TELEHUB_SCREENSHOTS || 'screenshots';
mkdirSync(shots, { recursive: true });

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** axe-core over the whole page (WCAG 2.x A/AA rules): no serious or critical violation. */
export async function accessible(page, name) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(summary, `axe on ${name}`).toEqual([]);
  return result.violations.length;
}

/** A code of the authenticator app, computed by GNU oathtool (not our implementation). */
export function totp(secret) {
  return execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
}

export async function signIn(page, username, password, totpSecret) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (totpSecret) {
    const code = page.getByLabel('Code from your authenticator app');
    await expect(code).toBeVisible();
    await code.fill(totp(totpSecret));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
}

/** Sets the app's language through its own switch (remembered in localStorage) and waits for <html lang>. */
export async function language(page, lang) {
  await page.locator('select[name=language]').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/**
 * The REST API as a bearer-token client (what an administrator's script would do), for seeding what a spec's
 * journeys need: `const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'))`,
 * then `await admin.post('/api/v1/…', { data })` (answers checked by the caller), `await admin.dispose()` at the end.
 * The hub's self-signed certificate is accepted here only (the browser trusts exactly its key).
 */
export async function apiAs(playwright, username, password) {
  const baseURL = env('TELEHUB_BASE_URL');
  const anon = await playwright.request.newContext({ baseURL, ignoreHTTPSErrors: true });
  const r = await anon.post('/api/v1/auth/token', { data: { username, password } });
  if (r.status() !== 200) throw new Error(`login of ${username}: ${r.status()} ${await r.text()}`);
  const token = (await r.json()).access_token;
  await anon.dispose();
  return playwright.request.newContext({
    baseURL, ignoreHTTPSErrors: true, extraHTTPHeaders: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
}

/**
 * Enrols `username` in TOTP through the API (WebIT's config requires a second factor of doctors), confirmed with the
 * previous step's code from GNU oathtool; returns the secret, for the browser's sign-in step.
 */
export async function enrolTotp(playwright, username, password) {
  const api = await apiAs(playwright, username, password);
  const secret = (await ok(await api.post('/api/v1/auth/totp/enrolment', { data: {} }))).secret;
  await confirmTotp(api, secret);
  await api.dispose();
  return secret;
}

/**
 * Confirms an enrolment with the previous step's code (so a login with the current one is not a replay). The hub takes
 * the current step and one either side: a code of the previous step computed in a step's last seconds would be two
 * steps old by the time it arrives, so then it first waits for the next step.
 */
export async function confirmTotp(api, secret) {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 22_000) await new Promise((r) => setTimeout(r, 30_500 - intoStep));
  const before = new Date(Date.now() - 30_000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const code = execFileSync('oathtool', ['--totp', '-b', '-N', before, secret], { encoding: 'utf8' }).trim();
  await ok(await api.post('/api/v1/auth/totp/confirmation', { data: { code } }));
}

/**
 * A doctor and a patient (accounts with the password `password`, their records) and a video visit of theirs that is
 * joinable now (it starts two minutes after the next whole minute; rooms open 10 minutes before), seeded through the
 * API as the administrator; the doctor works around the clock in a zone whose midnight is hours away, so the visit never
 * straddles two days. `visit`: more fields of the booking (e.g. `recordingEnabled`). Returns the booked visit.
 */
export async function seedVideoVisit(playwright, { doctor, patient, clinic, birthDate, password, visit = {} }) {
  const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  for (const [username, role, displayName] of [[doctor.user, 'doctor', doctor.name], [patient.user, 'patient', patient.name]]) {
    await ok(await admin.post('/api/v1/users', { data: { username, displayName, password, roles: [role] } }));
  }
  const hour = new Date().getUTCHours();
  const timeZone = hour >= 21 || hour < 2 ? 'Asia/Tehran' : 'UTC';
  const d = await ok(await admin.post('/api/v1/doctors', {
    data: { username: doctor.user, displayName: doctor.name, speciality: 'General practice', clinic, timeZone, slotMinutes: 30 },
  }));
  const weekly = Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
    .map((w) => [w, [{ start: '00:00', end: '24:00' }]]));
  await ok(await admin.put(`/api/v1/doctors/${d.id}/availability`, { data: { timeZone, slotMinutes: 30, weekly, exceptions: [] } }));
  const p = await ok(await admin.post('/api/v1/patients', {
    data: { username: patient.user, displayName: patient.name, birthDate, timeZone: 'Asia/Tehran' },
  }));
  const start = new Date((Math.floor(Date.now() / 60_000) + 1 + 2) * 60_000).toISOString();
  const booked = await ok(await admin.post('/api/v1/encounters', {
    data: { type: 'video', doctorId: d.id, patientId: p.id, scheduledStart: start, durationMinutes: 30, ...visit },
  }));
  await admin.dispose();
  return booked;
}

/** A POST/PUT/… answer that must be 2xx: its JSON, or an error with the problem's words. */
export async function ok(response) {
  if (!response.ok()) throw new Error(`${response.url()}: ${response.status()} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** Every page is also checked in Persian on a desktop and in English and Persian on a phone. */
export const VARIANTS = [
  { name: 'fa-desktop', lang: 'fa', viewport: { width: 1280, height: 800 } },
  { name: 'en-phone', lang: 'en', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'fa-phone', lang: 'fa', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

/** A new browser context in the variant's viewport and language (as the app remembers it), signed in or not. */
export async function openVariant(browser, v, storageState) {
  const context = await browser.newContext({
    storageState, viewport: v.viewport, isMobile: v.isMobile, hasTouch: v.hasTouch,
  });
  await context.addInitScript((lang) => localStorage.setItem('telehub.lang', lang), v.lang);
  return { context, page: await context.newPage() };
}

/** `<html lang dir>` of the variant: right-to-left for Persian only. */
export async function inLanguage(page, v) {
  await expect(page.locator('html')).toHaveAttribute('lang', v.lang);
  await expect(page.locator('html')).toHaveAttribute('dir', v.lang === 'fa' ? 'rtl' : 'ltr');
}

/** Nothing wider than the viewport (a phone never scrolls sideways), then a screenshot and the axe scan. */
export async function laidOut(page, shot) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${shot}: sideways scrolling`).toBeLessThanOrEqual(0);
  await screenshot(page, shot);
  await accessible(page, shot);
}

/**
 * A test per page and variant: the page opened as `state(page)` (a stored login, or undefined), its language and
 * direction, its heading; `dates` (a selector): the loaded data's first date or time in Persian digits only (Latin
 * ones otherwise); `ready(page, v)`: what else must be shown first; then {@link laidOut} as
 * `<variant>-<prefix><name>`. Pages: `{ name, path (string or function), heading: { en, fa }, who, dates, ready }`.
 */
export function localisedPages(title, pages, { prefix = '', state }) {
  test.describe(title, () => {
    for (const p of pages) {
      for (const v of VARIANTS) {
        test(`${prefix}${p.name} ${v.name}`, async ({ browser }) => {
          const { context, page } = await openVariant(browser, v, state(p));
          await page.goto(typeof p.path === 'function' ? p.path() : p.path);
          await inLanguage(page, v);
          await expect(page.getByRole('heading', { level: 1 }).first()).toContainText(p.heading[v.lang]);
          if (p.ready) await p.ready(page, v);
          if (p.dates) {
            const shown = page.locator(p.dates).first();
            await expect(shown).toBeVisible();
            await expect(shown).toHaveText(v.lang === 'fa' ? /^[^0-9]*[۰-۹][^0-9]*$/ : /[0-9]/);
          }
          await page.waitForLoadState('networkidle');
          await laidOut(page, `${v.name}-${prefix}${p.name}`);
          await context.close();
        });
      }
    }
  });
}

/**
 * Types an ISO day (YYYY-MM-DD, Gregorian) into react-aria's date field (`group`: its role=group locator), segment
 * by segment in the order the page's locale shows them (English: month, day, year).
 */
export async function fillDate(group, iso) {
  const [year, month, day] = iso.split('-');
  const parts = { year, month, day };
  const segments = group.locator('[role=spinbutton]');
  const n = await segments.count();
  for (let i = 0; i < n; i++) {
    const s = segments.nth(i);
    const type = await s.getAttribute('data-type');
    await s.focus();
    await s.pressSequentially(parts[type]);
  }
  await expect(group.locator('[role=spinbutton][data-placeholder]')).toHaveCount(0);
}
