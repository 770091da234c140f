// The desk area in a real browser: front desk and a nurse book for a patient (found as the care rules allow, or
// registered), with participants; a visit's invitations (invite by email/SMS, revoke, access code); the doctor's
// working hours and exceptions, whose effect the patient then sees on find-a-doctor through the day picker.
// Seeded through the REST API as the administrator; own usernames (desk.*), so no other spec is disturbed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, apiAs, confirmTotp, env, fillDate, localisedPages, ok, screenshot, signIn } from './helpers.js';

const PW = env('TELEHUB_PASSWORD');
const doctor = { user: 'desk.doctor', name: 'Dr Dana Desk', speciality: 'Desk medicine' };
const rose = { name: 'Rose Tyler', birth: '1990-01-02' };
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `desk-${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);

/** An ISO day (YYYY-MM-DD) n days from today (UTC). */
const dayFromNow = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
/** The instant of a local time on a day in a zone (the zone's offset that day, from Intl). */
function instantIn(day, hhmm, zone) {
  const guess = new Date(`${day}T${hhmm}:00Z`);
  const off = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(guess)
    .find((p) => p.type === 'timeZoneName').value; // GMT+01:00
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(off);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(guess.getTime() - minutes * 60_000);
}
const spaces = (s) => s.replace(/[\s\u202f]+/g, ' ').trim();

/** Clicks a day in the day picker, moving month by month until it is shown. */
async function chooseDay(page, day) {
  const cell = page.locator(`.daypicker [role=button]:not([data-outside-month]) [data-day="${day}"]`);
  await expect(page.locator('.daypicker h3')).toBeVisible(); // the lazy-loaded calendar is there
  for (let i = 0; i < 2 && !(await cell.isVisible()); i++) {
    await page.locator('.daypicker button[slot=next], .daypicker header button').last().click();
  }
  await cell.click();
}

let totpSecret;

test.beforeAll(async ({ playwright }) => {
  // once per run: a worker restarted after a failure finds what was seeded (and the doctor's enrolled secret) here
  if (read('seed')) {
    totpSecret = read('seed').totp;
    return;
  }
  const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  for (const [username, role, displayName] of [['desk.frontdesk', 'front-desk', 'Fiona Front'], ['desk.nurse', 'nurse', 'Nina Nurse'],
    [doctor.user, 'doctor', doctor.name], ['desk.patient', 'patient', rose.name]]) {
    await ok(await admin.post('/api/v1/users', { data: { username, displayName, password: PW, roles: [role] } }));
  }
  const d = await ok(await admin.post('/api/v1/doctors', {
    data: { username: doctor.user, displayName: doctor.name, speciality: doctor.speciality, clinic: 'Desk Clinic', timeZone: 'UTC', slotMinutes: 30 },
  }));
  const weekly = Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
    .map((w) => [w, [{ start: '00:00', end: '24:00' }]]));
  await ok(await admin.put(`/api/v1/doctors/${d.id}/availability`, { data: { timeZone: 'UTC', slotMinutes: 30, weekly, exceptions: [] } }));
  const p = await ok(await admin.post('/api/v1/patients', {
    data: { username: 'desk.patient', displayName: rose.name, birthDate: rose.birth, email: 'rose@example.org', timeZone: 'Asia/Tehran' },
  }));
  await ok(await admin.put(`/api/v1/patients/${p.id}/care-team/desk.nurse`));
  await admin.dispose();
  // the doctor enrols TOTP (WebIT's config requires it of doctors), confirmed with the previous step's code so the
  // browser's login with the current one is not a replay
  const doc = await apiAs(playwright, doctor.user, PW);
  totpSecret = (await ok(await doc.post('/api/v1/auth/totp/enrolment', { data: {} }))).secret;
  await confirmTotp(doc, totpSecret);
  await doc.dispose();
  keep('seed', { totp: totpSecret });
});

test.describe.serial('desk journeys', () => {
  test.describe.configure({ timeout: 180_000 }); // long journeys on a shared 2-core machine
  test('front desk finds a patient by name and birth date, registers another, books a video visit with an interpreter, then invites and revokes', async ({ page }) => {
    await signIn(page, 'desk.frontdesk', PW);
    await expect(page).toHaveURL(/\/desk$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Book for a patient' })).toBeVisible();
    keep('frontdesk', await page.context().storageState());
    // front desk pages nobody: no care-team list, and a wrong birth date finds nobody
    await expect(page.getByRole('heading', { name: 'Patients of my care team' })).toHaveCount(0);
    await page.getByLabel('Full name').first().fill(rose.name);
    await fillDate(page.getByRole('group', { name: 'Birth date' }).first(), '1990-01-03');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect(page.getByText(/No patient with this name and birth date/)).toBeVisible();
    // the API's words next to the field it names
    await page.getByLabel('Full name').first().fill('');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect(page.locator('.field', { hasText: 'Full name' }).first()).toContainText('Required, at most 200 characters');
    await screenshot(page, 'en-desktop-desk-find');
    await accessible(page, 'desk find');

    // register a new patient: chosen at once
    await page.getByText('Register a new patient').click();
    const reg = page.locator('details');
    await reg.getByLabel('Full name').fill('Clara Oswald');
    await fillDate(reg.getByRole('group', { name: 'Birth date' }), '1991-11-23');
    await reg.getByLabel('Email (for invitations)').fill('not-an-address');
    await reg.getByRole('button', { name: 'Register' }).click();
    await expect(reg.locator('.field', { hasText: 'Email' })).toContainText('Not an email address');
    await reg.getByLabel('Email (for invitations)').fill('clara@example.org');
    await reg.getByRole('button', { name: 'Register' }).click();
    await expect(page.getByRole('heading', { name: 'Patient: Clara Oswald' })).toBeVisible();
    await page.getByRole('button', { name: 'Another patient' }).click();

    await page.getByLabel('Full name').first().fill(rose.name);
    await fillDate(page.getByRole('group', { name: 'Birth date' }).first(), rose.birth);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: `Book for: ${rose.name}` }).click();
    await expect(page.getByRole('heading', { name: `Book a visit for ${rose.name}` })).toBeVisible();
    await page.locator('select[name=doctor]').selectOption({ label: `${doctor.name} · ${doctor.speciality} · Desk Clinic` });
    await page.locator('select[name=type]').selectOption('video');
    await expect(page.getByText('Times are shown in your time zone (Asia/Tehran).')).toBeVisible();
    await expect(page.locator('.daypicker')).toBeVisible();
    await page.locator('.slots label').nth(2).click();
    await page.getByLabel('Reason for the visit').fill('Persistent cough');
    await page.getByRole('button', { name: 'Add a participant' }).click();
    const who = page.getByRole('group', { name: 'Participant 1' });
    await who.locator('select').selectOption('interpreter');
    await who.getByLabel('Name').fill('Iman Interpreter');
    await who.getByLabel('Email').fill('iman@example.org');
    await screenshot(page, 'en-desktop-desk-book');
    await accessible(page, 'desk booking');
    await page.getByRole('button', { name: 'Book the visit' }).click();
    await expect(page.getByRole('heading', { name: 'Visit booked' })).toBeVisible();
    await expect(page.getByTestId('booked-status')).toHaveText('Scheduled');
    await expect(page.getByText('Iman Interpreter (Interpreter)')).toBeVisible();
    // the API returns no join links and no access code to front desk: the page says so
    await expect(page.getByTestId('no-links')).toContainText('not to your role');
    await screenshot(page, 'en-desktop-desk-booked');

    await page.getByRole('link', { name: 'Participants and invitations' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Participants and invitations' })).toBeVisible();
    keep('invitations', new URL(page.url()).pathname);
    await expect(page.getByTestId('access-code')).toHaveText(/\S{4,}/);
    await expect(page.getByText('No invitations yet.')).toBeVisible();
    // a bad phone number: the API's words next to the phone field
    await page.locator('select[name=kind]').selectOption('guest');
    await page.getByLabel('Name', { exact: true }).fill('Gus Guest');
    await page.getByLabel('Email', { exact: true }).fill('gus@example.org');
    await page.getByLabel('Phone', { exact: true }).fill('call me');
    await page.getByLabel('By SMS').check();
    await page.locator('select[name=inviteLanguage]').selectOption('fa');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await expect(page.locator('.field', { hasText: 'Phone' })).toContainText('A phone number in international form');
    await page.getByLabel('Phone', { exact: true }).fill('+4915112345678');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await expect(page.getByText('Invitation for Gus Guest created.')).toBeVisible();
    const row = page.getByTestId('invitation').filter({ hasText: 'Gus Guest' });
    await expect(row).toContainText('Guest');
    await expect(row).toContainText('Persian');
    await expect(row).toContainText(/By email: \w+/);
    await expect(row).toContainText(/By SMS: \w+/);
    await expect(row).toContainText('valid until');
    await screenshot(page, 'en-desktop-desk-invitations');
    await accessible(page, 'invitations');
    await row.getByRole('button', { name: 'Revoke: Gus Guest' }).click();
    await expect(page.getByText('Invitation for Gus Guest revoked.')).toBeVisible();
    await expect(row).toContainText('revoked');
    await expect(row.getByRole('button')).toHaveCount(0);
  });

  test('a nurse books an in-person visit for a patient of their care team', async ({ page }) => {
    await signIn(page, 'desk.nurse', PW);
    await expect(page).toHaveURL(/\/desk$/);
    keep('nurse', await page.context().storageState());
    const mine = page.getByRole('list', { name: 'Patients of my care team' });
    await mine.getByRole('button', { name: `Book for: ${rose.name}` }).click();
    await page.locator('select[name=doctor]').selectOption({ label: `${doctor.name} · ${doctor.speciality} · Desk Clinic` });
    await page.locator('select[name=type]').selectOption('in_person');
    await page.locator('.slots label').nth(5).click();
    await page.getByLabel('Reason for the visit').fill('Blood test');
    await screenshot(page, 'en-desktop-desk-nurse');
    await accessible(page, 'desk nurse');
    await page.getByRole('button', { name: 'Book the visit' }).click();
    await expect(page.getByRole('heading', { name: 'Visit booked' })).toBeVisible();
    await expect(page.getByTestId('no-links')).toHaveText('An in-person visit has no join links.');
    // a nurse does not invite (the API allows who runs the visit and front desk): no link to it
    await expect(page.getByRole('link', { name: 'Participants and invitations' })).toHaveCount(0);
  });

  test('the doctor edits working hours and time off; the patient’s day picker shows exactly the new free times', async ({ page, browser }) => {
    await signIn(page, doctor.user, PW, totpSecret);
    await expect(page).toHaveURL(/\/agenda$/);
    keep('doctor', await page.context().storageState());
    await page.getByRole('link', { name: 'Working hours' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Working hours' })).toBeVisible();
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    for (const w of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) {
      const day = page.locator(`fieldset[data-day=${w}]`);
      await day.getByLabel('From').fill('09:00');
      await day.getByLabel('To').fill(w === 'monday' ? '08:00' : '12:00');
    }
    await page.getByRole('button', { name: 'Save working hours' }).click();
    // the API names weekly.monday[0].end: its words next to that field
    await expect(page.locator('fieldset[data-day=monday] .field', { hasText: 'To' })).toContainText('Must be after start (09:00)');
    await expect(page.getByRole('alert').filter({ hasText: 'Correct the marked field' })).toBeVisible();
    await screenshot(page, 'en-desktop-desk-hours-error');
    await page.locator('fieldset[data-day=monday]').getByLabel('To').fill('12:00');
    const off = dayFromNow(3);
    const open = dayFromNow(4);
    await page.getByRole('button', { name: 'Add time off or extra hours' }).click();
    const ex = page.getByTestId('exception').last();
    await fillDate(ex.getByRole('group', { name: 'Date' }), off);
    await ex.getByLabel('Note').fill('Conference');
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await expect(page.getByText('Working hours saved.')).toBeVisible();
    await expect(page.locator('fieldset[data-day=friday]').getByLabel('From')).toHaveValue('09:00');
    await screenshot(page, 'en-desktop-desk-hours');
    await accessible(page, 'working hours');

    // the patient (Asia/Tehran) sees it: nothing on the day off; 09:00-12:00 Berlin in 30-minute slots, in Tehran time
    const context = await browser.newContext();
    const patient = await context.newPage();
    await signIn(patient, 'desk.patient', PW);
    await expect(patient).toHaveURL(/\/visits$/);
    keep('patient', await context.storageState());
    await patient.getByRole('link', { name: 'Find a doctor' }).click();
    await patient.getByLabel('Search doctors').fill(doctor.name);
    await patient.getByRole('button', { name: `Choose: ${doctor.name}` }).click();
    await chooseDay(patient, off);
    await expect(patient.getByText('No free time on this day. Choose another day.')).toBeVisible();
    await chooseDay(patient, open);
    const times = patient.locator('.slots label');
    await expect(times).toHaveCount(6);
    const fmt = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tehran' });
    const expected = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((t) => spaces(fmt.format(instantIn(open, t, 'Europe/Berlin'))));
    expect((await times.allTextContents()).map(spaces)).toEqual(expected);
    await screenshot(patient, 'en-desktop-find-doctor-day');
    await accessible(patient, 'find a doctor, a chosen day');
    await patient.getByRole('button', { name: 'Show the soonest times' }).click();
    await expect(times.first()).toBeVisible();
    await context.close();
  });

  test('a doctor of two clinics keeps hours at each; a time booked at one is gone at the other', async ({ browser, playwright }) => {
    // desk.doctor belongs to Desk Clinic (their clinic when created); Desk Annex is a new clinic
    const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
    const doc = (await ok(await admin.get('/api/v1/doctors?limit=500'))).find((d) => d.username === doctor.user);
    let profile;
    await expect.poll(async () => {
      profile = await ok(await admin.get(`/api/v1/directory/doctors/${doc.id}`));
      return (profile.clinics ?? []).map((c) => c.name);
    }).toContain('Desk Clinic');
    const existing = (await ok(await admin.get('/api/v1/directory/clinics'))).find((c) => c.name === 'Desk Annex');
    const annex = existing ?? await ok(await admin.post('/api/v1/directory/clinics', { data: { name: 'Desk Annex', timeZone: 'Europe/Berlin' } }));
    // the administrator places the doctor in the annex too, on the doctor's profile page
    const ac = await browser.newContext();
    const adminPage = await ac.newPage();
    await signIn(adminPage, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
    await expect(adminPage).toHaveURL(/\/admin\/users$/);
    await adminPage.goto(`/doctors/${doc.id}`);
    await adminPage.getByRole('button', { name: 'Edit the profile' }).click();
    const clinicsBox = adminPage.getByRole('group', { name: 'Clinics' });
    await expect(clinicsBox.getByRole('checkbox', { name: 'Desk Clinic' })).toBeChecked();
    await clinicsBox.getByRole('checkbox', { name: 'Desk Annex' }).check();
    await adminPage.getByRole('button', { name: 'Save the profile' }).click();
    await expect(adminPage.getByText('Profile saved.')).toBeVisible();
    expect((await ok(await admin.get(`/api/v1/directory/doctors/${doc.id}`))).clinics.map((c) => c.name).sort()).toEqual(['Desk Annex', 'Desk Clinic']);

    // the doctor: 09:00–12:00 at Desk Clinic, 11:00–14:00 at Desk Annex, every day (two clinics may share an hour)
    const dc = await browser.newContext({ storageState: read('doctor') });
    const page = await dc.newPage();
    await page.goto('/agenda/hours');
    await expect(page.getByRole('heading', { level: 1, name: 'Working hours' })).toBeVisible();
    await expect(page.getByText('Hours at each of your clinics')).toBeVisible();
    for (const w of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) {
      const day = page.locator(`fieldset[data-day=${w}]`);
      await day.locator('.rows li').first().getByRole('combobox', { name: 'Clinic' }).selectOption({ label: 'Desk Clinic' });
      await page.getByRole('button', { name: `Add hours: ${w[0].toUpperCase()}${w.slice(1)}`, exact: true }).click();
      const second = day.locator('.rows li').nth(1);
      await second.getByLabel('From').fill('11:00');
      await second.getByLabel('To').fill('14:00');
      // first at the same clinic as the morning: one clinic's hours may not overlap
      await second.getByRole('combobox', { name: 'Clinic' }).selectOption({ label: w === 'monday' ? 'Desk Clinic' : 'Desk Annex' });
    }
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await expect(page.locator('fieldset[data-day=monday] .error')).toContainText('Ranges overlap: 09:00–12:00 and 11:00–14:00');
    await page.locator('fieldset[data-day=monday] .rows li').nth(1).getByRole('combobox', { name: 'Clinic' }).selectOption({ label: 'Desk Annex' });
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await expect(page.getByText('Working hours saved.')).toBeVisible();
    await expect(page.locator('fieldset[data-day=friday] .rows li').nth(1).getByRole('combobox', { name: 'Clinic' })).toHaveValue(annex.id);
    await screenshot(page, 'en-desktop-desk-hours-clinics');
    await accessible(page, 'working hours at two clinics');
    await dc.close();

    // the patient: any clinic shows where each time is; at the annex only its hours
    const pc = await browser.newContext({ storageState: read('patient') });
    const patient = await pc.newPage();
    await patient.goto('/find');
    await patient.getByLabel('Search doctors').fill(doctor.name);
    await patient.getByRole('button', { name: `Choose: ${doctor.name}` }).click();
    const open = dayFromNow(4);
    await chooseDay(patient, open);
    const times = patient.locator('.slots label');
    await expect(times).toHaveCount(10); // 09:00–14:00 Berlin in 30 minutes
    const fmt = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tehran' });
    const at = (t) => spaces(fmt.format(instantIn(open, t, 'Europe/Berlin')));
    await expect(times.filter({ hasText: at('11:00') })).toContainText('Desk Annex, Desk Clinic'); // by name
    await expect(times.filter({ hasText: at('13:30') })).toContainText('Desk Annex');
    await expect(times.filter({ hasText: at('09:00') })).not.toContainText('Desk Annex');
    await screenshot(patient, 'en-desktop-find-doctor-clinics');
    await patient.getByRole('combobox', { name: 'Clinic', exact: true }).selectOption({ label: 'Desk Annex' });
    await expect(times).toHaveCount(6);
    expect((await times.allTextContents()).map(spaces)).toEqual(['11:00', '11:30', '12:00', '12:30', '13:00', '13:30'].map(at));
    await times.first().click();
    await patient.getByLabel('Reason for the visit').fill('Follow-up at the annex');
    await patient.getByRole('button', { name: 'Book this time' }).click();
    await expect(patient.getByText('Booked. You can see it under My visits.')).toBeVisible();
    // the same doctor at Desk Clinic: 11:00 is taken (never two visits at once), 11:30 is free
    await patient.getByRole('combobox', { name: 'Clinic', exact: true }).selectOption({ label: 'Desk Clinic' });
    await expect(times).toHaveCount(5);
    expect((await times.allTextContents()).map(spaces)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:30'].map(at));
    await accessible(patient, 'find a doctor at one of two clinics');
    const visits = await ok(await admin.get(`/api/v1/encounters?doctorId=${doc.id}&limit=100`));
    const booked = (visits.items ?? visits).find((e) => e.chiefComplaint === 'Follow-up at the annex');
    expect(booked.clinicId).toBe(annex.id);
    expect(new Date(booked.scheduledStart).getTime()).toBe(instantIn(open, '11:00', 'Europe/Berlin').getTime());
    // her visit says where it is, with a link to the clinic's page
    await patient.goto(`/encounters/${booked.id}`);
    await expect(patient.getByTestId('visit-clinic')).toHaveText('Desk Annex');
    await patient.getByTestId('visit-clinic').getByRole('link', { name: 'Desk Annex' }).click();
    await expect(patient.getByRole('heading', { level: 1, name: 'Desk Annex' })).toBeVisible();
    await pc.close();
    // the administrator cannot take the doctor off the annex while they work there: the refusal names it
    await adminPage.reload();
    await adminPage.getByRole('button', { name: 'Edit the profile' }).click();
    await adminPage.getByRole('group', { name: 'Clinics' }).getByRole('checkbox', { name: 'Desk Annex' }).uncheck();
    await adminPage.getByRole('button', { name: 'Save the profile' }).click();
    await expect(adminPage.getByRole('group', { name: 'Clinics' }).getByRole('alert')).toContainText('still has working hours at Desk Annex');
    await screenshot(adminPage, 'en-desktop-profile-clinics-refused');
    await ac.close();
    await admin.dispose();
  });
});

const JALALI = /فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند/;
const pages = [
  { name: 'desk', who: 'frontdesk', path: '/desk', heading: { en: 'Book for a patient', fa: 'نوبت‌دهی برای بیمار' } },
  { name: 'desk-nurse', who: 'nurse', path: '/desk', heading: { en: 'Book for a patient', fa: 'نوبت‌دهی برای بیمار' } },
  { name: 'invitations', who: 'frontdesk', path: () => read('invitations'), heading: { en: 'Participants and invitations', fa: 'شرکت‌کنندگان و دعوت‌نامه‌ها' }, dates: '[data-testid=invitation] .inv-state' },
  { name: 'hours', who: 'doctor', path: '/agenda/hours', heading: { en: 'Working hours', fa: 'ساعات کاری' } },
  {
    name: 'find-doctor-day', who: 'patient', path: '/find', heading: { en: 'Find a doctor', fa: 'یافتن پزشک' },
    ready: async (page, v) => {
      await page.locator('input[name=q]').fill(doctor.name);
      await page.locator('.doctors button').first().click();
      await expect(page.locator('.daypicker')).toBeVisible();
      // Persian readers get the Jalali calendar by default: the day picker's month is a Solar Hijri one
      if (v.lang === 'fa') await expect(page.locator('.daypicker h3').first()).toHaveText(JALALI);
    },
    dates: '.daypicker h3',
  },
];
localisedPages('desk pages in Persian and on a phone', pages, { prefix: 'desk-', state: (p) => read(p.who) });

