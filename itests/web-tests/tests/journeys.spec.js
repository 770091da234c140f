// The web app's journeys in a real browser (Debian's chromium) against the hub WebIT started and seeded:
// English on a desktop viewport first, then every page in Persian (right-to-left) and on a phone viewport,
// each with a screenshot and an axe-core scan (no serious or critical violation).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, env, language, localisedPages, screenshot, signIn } from './helpers.js';

const patient = { user: env('TELEHUB_PATIENT_USER'), password: env('TELEHUB_PATIENT_PASSWORD') };
const doctor = {
  user: env('TELEHUB_DOCTOR_USER'), password: env('TELEHUB_DOCTOR_PASSWORD'),
  totp: env('TELEHUB_DOCTOR_TOTP_SECRET'), name: env('TELEHUB_DOCTOR_NAME'),
};
const joinPath = env('TELEHUB_JOIN_PATH');
const seededPatient = env('TELEHUB_SEEDED_PATIENT_NAME');
const seededComplaint = env('TELEHUB_SEEDED_COMPLAINT');
const complaint = 'Chest pain when climbing stairs';

/**
 * Logins made once and reused (the session cookie; the app fetches the CSRF token again), kept in files so that a
 * worker restarted after a failure still has them.
 */
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);

test.describe.serial('journeys', () => {
  test('a patient signs in, finds the doctor, books with notes, sees it upcoming, reschedules and cancels', async ({ page }) => {
    await signIn(page, patient.user, patient.password);
    await expect(page).toHaveURL(/\/visits$/);
    await expect(page.getByRole('heading', { level: 1, name: 'My visits' })).toBeVisible();
    keep('patient', await page.context().storageState());

    await page.getByRole('link', { name: 'Find a doctor' }).click();
    await page.getByLabel('Search doctors').fill(doctor.name);
    await page.getByRole('button', { name: `Choose: ${doctor.name}` }).click();
    await expect(page.getByText('Times are shown in your time zone (Asia/Tehran).')).toBeVisible();
    // the doctor works 00:00-24:00 UTC in 30-minute slots: in Tehran (UTC+03:30) every slot starts at :00 or :30
    const slots = page.locator('.slots label');
    await expect(slots.first()).toBeVisible();
    const firstTimes = await slots.evaluateAll((ls) => ls.slice(0, 6).map((l) => l.textContent.trim()));
    for (const t of firstTimes) expect(t).toMatch(/:(00|30)\b/);
    await slots.nth(4).click();
    await page.getByLabel('Reason for the visit').fill(complaint);
    await page.getByLabel('Notes for the doctor before the visit').fill('Worse in the mornings; I take aspirin.');
    await screenshot(page, 'en-desktop-find-doctor');
    await accessible(page, 'find a doctor');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await expect(page.getByText('Booked. You can see it under My visits.')).toBeVisible();

    await page.getByRole('link', { name: 'My visits' }).click();
    const upcoming = page.getByRole('list', { name: 'Upcoming' });
    const card = upcoming.locator('li', { hasText: complaint });
    await expect(card).toBeVisible();
    const before = await card.locator('h3').textContent();
    await screenshot(page, 'en-desktop-visits');
    await accessible(page, 'my visits');

    await card.getByRole('button', { name: 'Reschedule' }).click();
    const newTimes = card.locator('.slots label');
    await expect(newTimes.first()).toBeVisible();
    await newTimes.nth(10).click();
    await card.locator('form').getByRole('button', { name: 'Reschedule' }).click();
    await expect(page.getByText('Visit moved.')).toBeVisible();
    const moved = upcoming.locator('li', { hasText: complaint });
    await expect(moved.locator('h3')).not.toHaveText(before ?? '');

    await moved.getByLabel('Reason').fill('Feeling better');
    await moved.getByRole('button', { name: 'Cancel visit' }).click();
    await expect(page.getByText('Visit cancelled.')).toBeVisible();
    const past = page.getByRole('list', { name: 'Past' }).locator('li', { hasText: complaint });
    await expect(past).toContainText('Cancelled');
    await expect(upcoming.locator('li', { hasText: complaint })).toHaveCount(0);
  });

  test('a join link opens the landing page; the device check shows the (fake) camera and the microphone level', async ({ page }) => {
    await page.goto(joinPath);
    await expect(page.getByRole('heading', { level: 1, name: 'Join your visit' })).toBeVisible();
    await expect(page.getByText(/You enter the visit’s room from your account/)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Sign in to enter the room' })).toHaveAttribute('href', /^\/login\?returnTo=%2Fencounters%2F/);
    await page.getByRole('button', { name: 'Check camera and microphone' }).click();
    await expect(page.getByTestId('camera-ok')).toBeVisible();
    const size = await page.getByTestId('camera-preview').evaluate((v) => [v.videoWidth, v.videoHeight]);
    expect(size[0]).toBeGreaterThan(0);
    await expect.poll(() => page.locator('meter').evaluate((m) => m.value), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'en-desktop-join');
    await accessible(page, 'join');
  });

  test('the doctor signs in with the second factor, sees the visit in the agenda, starts and ends it', async ({ page }) => {
    await signIn(page, doctor.user, doctor.password, doctor.totp);
    await expect(page).toHaveURL(/\/agenda$/);
    keep('doctor', await page.context().storageState());
    const entry = page.locator('li', { hasText: seededComplaint }).getByRole('link', { name: new RegExp(seededPatient) });
    await expect(entry).toBeVisible();
    await screenshot(page, 'en-desktop-agenda');
    await accessible(page, 'agenda');
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Day', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await entry.click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(seededPatient);
    keep('visit', new URL(page.url()).pathname);
    await expect(page.getByTestId('visit-status')).toHaveText('Scheduled');
    await screenshot(page, 'en-desktop-visit');
    await accessible(page, 'visit');
    await page.getByRole('button', { name: 'Start visit' }).click();
    await expect(page.getByTestId('visit-status')).toHaveText('In progress');
    await expect(page.getByRole('button', { name: 'Start visit' })).toHaveCount(0);
    await page.getByLabel('Doctor’s notes').fill('Blood pressure 128/82; follow up in 3 months.');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await expect(page.getByText('Saved.')).toBeVisible();
    await page.getByRole('button', { name: 'End visit' }).click();
    await expect(page.getByTestId('visit-status')).toHaveText('Completed');
    await expect(page.locator('.actions button')).toHaveCount(0);
  });

  test('an API error is shown in the API’s words, next to the login form', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(patient.user);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
    await screenshot(page, 'en-desktop-login-error');
    await accessible(page, 'login');
  });

  test('a lost session sends the reader to the login and keeps the draft', async ({ browser }) => {
    const context = await browser.newContext({ storageState: read('patient') });
    const page = await context.newPage();
    await page.goto('/find');
    await page.getByLabel('Search doctors').fill(doctor.name);
    await page.getByRole('button', { name: `Choose: ${doctor.name}` }).click();
    await page.locator('.slots label').first().click();
    await page.getByLabel('Reason for the visit').fill('Draft kept across the login');
    await context.clearCookies(); // the session ends (as after 30 idle minutes)
    await page.getByRole('button', { name: 'Book this time' }).click();
    await expect(page).toHaveURL(/\/login\?returnTo=%2Ffind&expired=1$/);
    await expect(page.getByText(/Your session ended/)).toBeVisible();
    await page.getByLabel('Username').fill(patient.user);
    await page.getByLabel('Password').fill(patient.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(/\/find$/);
    await page.getByLabel('Search doctors').fill(doctor.name);
    await page.getByRole('button', { name: `Choose: ${doctor.name}` }).click();
    await page.locator('.slots label').first().click();
    await expect(page.getByLabel('Reason for the visit')).toHaveValue('Draft kept across the login');
    await context.close();
  });
});

const pages = [
  { name: 'login', who: null, path: '/login', heading: { en: 'Sign in', fa: 'ورود' } },
  { name: 'visits', who: 'patient', path: '/visits', heading: { en: 'My visits', fa: 'ویزیت‌های من' }, dates: '.visit h3' },
  { name: 'find-doctor', who: 'patient', path: '/find', heading: { en: 'Find a doctor', fa: 'یافتن پزشک' } },
  { name: 'join', who: null, path: () => joinPath, heading: { en: 'Join your visit', fa: 'پیوستن به ویزیت' } },
  { name: 'agenda', who: 'doctor', path: '/agenda', heading: { en: 'Agenda', fa: 'برنامه' }, dates: '.agenda a' },
  { name: 'visit', who: 'doctor', path: () => read('visit'), heading: { en: 'Visit', fa: 'ویزیت' }, dates: '[data-testid=visit-time]' },
];
localisedPages('every page in Persian and on a phone', pages, { state: (p) => (p.who ? read(p.who) : undefined) });

test.describe('language and calendar choices', () => {
  test('the language switch is remembered and the Jalali option applies to English too', async ({ browser }) => {
    const context = await browser.newContext({ storageState: read('patient') });
    const page = await context.newPage();
    await page.goto('/visits');
    await language(page, 'ru');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Мои приёмы');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await language(page, 'en');
    await page.locator('select[name=calendar]').selectOption('persian');
    await expect(page.locator('.visit h3').first()).toContainText(/AP/);
    await screenshot(page, 'en-desktop-visits-jalali');
    await context.close();
  });
});
