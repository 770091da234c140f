// The directory's second part in a real browser (issue 19): the administrator keeps insurers and plans (a duplicate
// refused in place), lets a clinic accept a plan, and imports an ICD-10-CM order file whose progress is shown to its
// end (the bad row named) and a Persian translation; a patient records her insurance (a bad date range refused at
// its field), finds the doctor by the plan and "free within", sees "covered" and the next free time, follows the
// doctor, opens the doctor's clinic (opening hours, its doctors) and sees whom she follows. Then the pages in
// Persian (RTL) and on a phone. Own usernames (ins.*).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, env, localisedPages, screenshot, seedVideoVisit, signIn } from './helpers.js';

const PW = env('TELEHUB_PASSWORD');
const doctor = { user: 'ins.doctor', name: 'Dr Ines Insured' };
const patient = { user: 'ins.patient', name: 'Paula Policy' };
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `insurance-${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);

/** A 64×48 PNG: the photo and the logo the hub re-encodes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAYAAAChS3wfAAAAUklEQVR42u3QMQEAAAQAML+KKspID3aswCKr57MQIECAAAECBAgQIECAAAECBAgQIECAAAECBAgQIECAAAECBAgQIECAAAECBAgQIECAAAEC7lmmu+Vp3j49ewAAAABJRU5ErkJggg==', 'base64');

/** Lines of the CDC's order file: order number, code without its dot, 1 billable / 0 header, short and long names. */
function orderFile(rows) {
  return rows.map(([code, flag, name], i) => `${String(i + 1).padStart(5, '0')} ${code.padEnd(7)} ${flag} ${name.slice(0, 60).padEnd(60)} ${name}`)
    .join('\n') + '\n';
}

test.beforeAll(async ({ playwright }) => {
  if (read('seed')) return;
  const visit = await seedVideoVisit(playwright, { doctor, patient, clinic: 'Insurance Clinic', birthDate: '1988-08-08', password: PW });
  keep('seed', { doctorId: visit.doctorId });
});

test.describe.serial('insurance, follows and diseases', () => {
  test('the administrator keeps insurers and plans, a clinic accepts one, and diseases are imported with progress', async ({ page }) => {
    await signIn(page, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
    // landed (the sign-in's own navigation done): a click racing it can leave the lazily loaded page unrendered
    await expect(page).toHaveURL(/\/admin\/users$/);
    keep('admin', await page.context().storageState());
    await page.getByRole('link', { name: 'Insurance', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Insurance' })).toBeVisible();
    await page.getByLabel('New insurer').fill('Parsian Health');
    await page.getByRole('button', { name: 'Add the insurer' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Parsian Health' })).toBeVisible();
    await page.getByLabel('New insurer').fill('Parsian Health');
    await page.getByRole('button', { name: 'Add the insurer' }).click();
    await expect(page.getByText('An insurer is already named Parsian Health').first()).toBeVisible();
    for (const plan of ['Gold', 'Basic']) {
      await page.getByLabel('New plan of Parsian Health').fill(plan);
      await page.getByRole('button', { name: 'Add the plan' }).click();
      await expect(page.locator('.insurers')).toContainText(plan);
    }
    await expect(page.locator('.insurers')).toContainText('Plans: Basic, Gold');
    await screenshot(page, 'en-desktop-insurance-admin');
    await accessible(page, 'insurance admin');

    await page.getByRole('link', { name: 'Clinics' }).click();
    await page.getByRole('button', { name: 'Edit: Insurance Clinic' }).click();
    await page.getByLabel('Parsian Health · Gold').check();
    // opening hours as typed per day; a range that is not two times is named at its day
    await page.getByLabel('Monday', { exact: true }).fill('9-5');
    await page.getByRole('button', { name: 'Save the clinic' }).click();
    await expect(page.getByText('A time HH:mm, 00:00 to 23:59').first()).toBeVisible();
    await page.getByLabel('Monday', { exact: true }).fill('8:00-12:30, 14:00-18:00');
    await page.getByLabel('Saturday', { exact: true }).fill('09:00-13:00');
    // its logo: a PDF refused as no image, then the PNG
    await page.locator('input[name=logo]').setInputFiles({ name: 'logo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 no image') });
    await page.getByRole('button', { name: 'Upload the logo' }).click();
    await expect(page.locator('.picture-edit').getByRole('alert')).toContainText('Not an image the hub reads');
    await page.locator('input[name=logo]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload the logo' }).click();
    await expect(page.getByText('Logo saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Save the clinic' }).click();
    await expect(page.getByText('Insurance Clinic saved.')).toBeVisible();

    // the doctor's photo, set by the administrator on the profile page
    await page.goto(`/doctors/${read('seed').doctorId}`);
    await page.getByRole('button', { name: 'Edit the profile' }).click();
    await page.locator('input[name=photo]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload the photo' }).click();
    await expect(page.getByText('Photo saved.')).toBeVisible();
    const photo = page.getByRole('img', { name: `Photo of ${doctor.name}` });
    await expect(photo).toBeVisible();
    expect(await photo.evaluate((img) => img.naturalWidth)).toBe(64);
    await page.getByRole('link', { name: 'Administration' }).click();

    await page.getByRole('link', { name: 'Diseases' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Diseases (ICD-10)' })).toBeVisible();
    const file = orderFile([['E11', '0', 'Type 2 diabetes mellitus'], ['E119', '1', 'Type 2 diabetes mellitus without complications'],
      ['I10', '1', 'Essential (primary) hypertension'], ['J45', '0', 'Asthma'], ['J45909', '1', 'Unspecified asthma, uncomplicated'],
      ['X', '1', 'Not a code']]);
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'icd10cm_order.txt', mimeType: 'text/plain', buffer: Buffer.from(file) });
    await page.getByRole('combobox', { name: 'Format', exact: true }).selectOption('icd10cm-order');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.locator('.import-progress')).toContainText('Done: 5 of 6 rows imported');
    await expect(page.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('value', '6');
    const errors = page.getByRole('region', { name: 'Rows with errors' });
    await expect(errors).toContainText('6');
    await expect(errors).toContainText('Not an ICD-10 code: X');
    await page.getByRole('searchbox', { name: 'Search diseases' }).fill('e11');
    await expect(page.getByRole('cell', { name: 'E11.9' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Type 2 diabetes mellitus without complications' })).toBeVisible();
    await page.getByRole('searchbox', { name: 'Search diseases' }).fill('asthma');
    await expect(page.getByRole('region', { name: 'Diseases found' }).locator('tbody tr').first()).toContainText('J45.909');

    // a translation into Persian, loaded per language and searched in its own script (Arabic yeh normalised)
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'icd10-fa.csv', mimeType: 'text/csv', buffer: Buffer.from('code,name\nI10,فشار خون اوليه\nJ45.909,آسم نامشخص\n') });
    await page.getByRole('combobox', { name: 'Format', exact: true }).selectOption('csv');
    await page.getByLabel('Translation into (empty: the edition itself)').fill('fa');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.locator('.import-progress')).toContainText('Done: 2 of 2 rows imported');
    await page.getByRole('searchbox', { name: 'Search diseases' }).fill('اولیه');
    await expect(page.getByRole('cell', { name: 'I10' })).toBeVisible();
    await screenshot(page, 'en-desktop-diseases');
    await accessible(page, 'diseases');
  });

  test('a patient records her insurance, finds the doctor by plan and free time, sees covered, and follows the doctor', async ({ page }) => {
    await signIn(page, patient.user, PW);
    await expect(page).toHaveURL(/\/visits$/);
    keep('patient', await page.context().storageState());
    await page.getByRole('link', { name: 'My insurance' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My insurance' })).toBeVisible();
    await expect(page.getByText('No insurance recorded yet.')).toBeVisible();
    await page.getByLabel('Insurance plan').selectOption({ label: 'Parsian Health · Gold' });
    await page.getByLabel('Member number').fill('PH-12345');
    await page.getByLabel('Valid from').fill('2026-01-01');
    await page.getByLabel('Valid until (optional)').fill('2025-12-31');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByText('Before validFrom').first()).toBeVisible();
    await page.getByLabel('Valid until (optional)').fill('');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('Insurance added.');
    await expect(page.locator('.coverage-list')).toContainText('PH-12345');
    await expect(page.locator('.coverage-list')).toContainText('Valid');

    await page.getByRole('link', { name: 'Find a doctor' }).click();
    await page.getByLabel('Insurance plan').selectOption({ label: 'Parsian Health · Gold' });
    await page.getByLabel('Free within').selectOption('7');
    const card = page.locator('.doctors > li').filter({ hasText: doctor.name });
    await expect(card).toHaveCount(1);
    await expect(card).toContainText('Covered by your insurance');
    await expect(card).toContainText('Next free:');
    await page.getByLabel('Insurance plan').selectOption({ label: 'Parsian Health · Basic' });
    await expect(page.locator('.doctors > li').filter({ hasText: doctor.name })).toHaveCount(0);
    await page.getByLabel('Insurance plan').selectOption({ label: 'Parsian Health · Gold' });
    await expect(card).toHaveCount(1);
    await screenshot(page, 'en-desktop-find-covered');
    await accessible(page, 'find with insurance');

    await page.getByRole('link', { name: `Profile: ${doctor.name}` }).click();
    await expect(page.locator('.facts')).toContainText('Parsian Health · Gold');
    // the clinic's page: when it is open, and its doctors
    await page.getByRole('link', { name: 'Insurance Clinic' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Insurance Clinic' })).toBeVisible();
    keep('clinic', page.url().split('/').pop());
    await expect(page.getByRole('row', { name: /Monday/ })).toContainText('08:00–12:30, 14:00–18:00');
    await expect(page.getByRole('row', { name: /Sunday/ })).toContainText('Closed');
    const logo = page.getByRole('img', { name: 'Logo of Insurance Clinic' });
    await expect(logo).toBeVisible();
    expect(await logo.evaluate((img) => img.naturalWidth)).toBe(64);
    await screenshot(page, 'en-desktop-clinic-page');
    await accessible(page, 'clinic page');
    await page.getByRole('link', { name: doctor.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: doctor.name })).toBeVisible();
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await expect(page.getByText(`You follow ${doctor.name}: we tell you when a visit time opens up.`)).toBeVisible();
    await page.getByRole('link', { name: 'My insurance' }).click();
    const followed = page.getByRole('region', { name: 'Doctors you follow' });
    await expect(followed.getByRole('link', { name: doctor.name })).toBeVisible();
    await screenshot(page, 'en-desktop-my-insurance');
    await accessible(page, 'my insurance');
  });
});

const pages = [
  {
    name: 'my-insurance', who: 'patient', path: '/insurance', heading: { en: 'My insurance', fa: 'بیمهٔ من' },
    ready: async (page) => { await expect(page.locator('.coverage-list')).toContainText('PH-12345'); },
  },
  {
    name: 'find-covered', who: 'patient', path: '/find', heading: { en: 'Find a doctor', fa: 'یافتن پزشک' },
    ready: async (page, v) => {
      await page.locator('input[name=q]').fill('Insured');
      await expect(page.locator('.doctors > li')).toHaveCount(1);
      await expect(page.locator('.badge.covered')).toHaveText(v.lang === 'fa' ? 'بیمهٔ شما پذیرفته است' : 'Covered by your insurance');
    },
  },
  {
    name: 'clinic', who: 'patient', path: () => `/clinics/${read('clinic')}`, heading: { en: 'Insurance Clinic', fa: 'Insurance Clinic' },
    ready: async (page, v) => {
      // times in the reader's digits
      await expect(page.getByRole('row', { name: v.lang === 'fa' ? /دوشنبه/ : /Monday/ })).toContainText(v.lang === 'fa' ? '۰۸:۰۰–۱۲:۳۰' : '08:00–12:30');
    },
  },
  {
    name: 'insurance-admin', who: 'admin', path: '/admin/insurance', heading: { en: 'Insurance', fa: 'بیمه' },
    ready: async (page) => { await expect(page.locator('.insurers')).toContainText('Parsian Health'); },
  },
  {
    name: 'diseases', who: 'admin', path: '/admin/diseases', heading: { en: 'Diseases (ICD-10)', fa: 'بیماری‌ها (ICD-10)' },
    ready: async (page) => { await expect(page.getByRole('cell', { name: 'E11.9' })).toBeVisible(); },
  },
];
localisedPages('insurance and diseases pages in Persian and on a phone', pages, { prefix: 'insurance-', state: (p) => read(p.who) });
