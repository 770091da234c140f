// Clinical reports in a real browser (issue 20): after a visit its doctor writes the report — a diagnosis found by its
// ICD-10 code, a medicine from the formulary with its dose, a bad quantity refused at its field, a medicine written in
// by name warned about — saved by itself; previews, approves, signs with a fresh code of the authenticator app (a
// wrong one refused), opens the signed PDF and shares it. The patient finds it under Reports and opens it and its
// PDF. The EHR (HAPI FHIR) gets the report with its diagnosis and prescription line, the PACS (Orthanc) the PDF; a
// signed addendum amends the EHR's report. The draft brings the visit's vital signs from the EHR. A doctor imports
// their own signing certificate (PKCS#12 made by OpenSSL). Then the pages in Persian (RTL) and on a phone: the
// editor, the signed report, the lists, the certificate. Seeded through the REST API; own usernames
// (rep.*).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { accessible, apiAs, enrolTotp, env, localisedPages, ok, openVariant, screenshot, seedVideoVisit, signIn, totp } from './helpers.js';

const PW = env('TELEHUB_PASSWORD');
const doctor = { user: 'rep.doctor', name: 'Dr Sara Karimi' };
const patient = { user: 'rep.patient', name: 'Zhaleh Pakzad' };
// a second doctor's visit, left as a draft for the editor's pages in Persian and on a phone
const doctor2 = { user: 'rep.doctor2', name: 'دکتر مریم احمدی' };
const patient2 = { user: 'rep.patient2', name: 'Reza Rahimi' };
/** The patient's id in the PACS: the Encapsulated PDF of her report is filed under it. */
const PACS_ID = 'REP-ZP-0001';
const dir = process.env.TELEHUB_WEB_RESULTS || 'test-results';
const kept = (name) => path.join(dir, `report-${name}.json`);
const keep = (name, value) => { mkdirSync(dir, { recursive: true }); writeFileSync(kept(name), JSON.stringify(value)); };
const read = (name) => (existsSync(kept(name)) ? JSON.parse(readFileSync(kept(name), 'utf8')) : undefined);
let seed;

/** The visit took place: started and ended by the administrator (the doctor's own calls need their second factor). */
async function held(playwright, visitId) {
  const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  await ok(await admin.post(`/api/v1/encounters/${visitId}/start`, { data: {} }));
  await ok(await admin.post(`/api/v1/encounters/${visitId}/end`, { data: {} }));
  await admin.dispose();
}

/** What the browser gets for a link of the page (its session cookie, the hub's certificate it trusts). */
async function fetched(page, href) {
  return page.evaluate(async (u) => {
    const r = await fetch(u);
    const head = new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5));
    return { status: r.status, type: r.headers.get('content-type'), head };
  }, href);
}

/** A code of a step after `usedStep` (each code counts once: the sign-in used its step's). */
async function freshCode(secret, usedStep) {
  while (Math.floor(Date.now() / 30_000) <= usedStep) await new Promise((r) => setTimeout(r, 500));
  return totp(secret);
}

test.beforeAll(async ({ playwright }) => {
  seed = read('seed');
  if (seed) return; // a failed test's worker is replaced and runs this again: the seed is made once
  const visit = await seedVideoVisit(playwright, { doctor, patient, clinic: 'Report Clinic', birthDate: '1975-03-14', password: PW });
  const visit2 = await seedVideoVisit(playwright, { doctor: doctor2, patient: patient2, clinic: 'Report Clinic', birthDate: '1980-01-02', password: PW });
  await held(playwright, visit2.id);
  // the clinic's ICD-10 edition (with a Persian name) and formulary, as its administrator loads them
  const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  for (const [language, csv] of [['', 'code,name\nE11.9,Type 2 diabetes mellitus without complications\nE78.5,"Hyperlipidemia, unspecified"\n'],
    ['fa', 'code,name\nE11.9,دیابت نوع ۲ بدون عارضه\n']]) {
    const job = await ok(await admin.post(`/api/v1/directory/diseases/imports?format=csv${language ? `&language=${language}` : ''}`, {
      headers: { 'Content-Type': 'application/octet-stream' }, data: Buffer.from(csv),
    }));
    await expect.poll(async () => (await ok(await admin.get(`/api/v1/directory/diseases/imports/${job.id}`))).state).toBe('done');
  }
  await ok(await admin.post('/api/v1/directory/medicines/import', {
    data: { csv: 'name,strength,form,route,atc\nMetformin,500 mg,tablet,oral,A10BA02\n', allOrNone: false },
  }));
  await admin.dispose();
  // the patient has a record in the clinic's EHR (HAPI FHIR) and an id in its PACS (Orthanc): a nurse of her care
  // team maps both
  const fhir = await fetch(`${env('TELEHUB_HAPI_URL')}/Patient`, {
    method: 'POST', headers: { 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Pakzad', given: ['Zhaleh'] }], birthDate: '1975-03-14' }),
  });
  expect(fhir.status).toBe(201);
  const fhirId = (await fhir.json()).id;
  // her heart rate taken at the clinic's intake just now (goes into the draft), her weight two days ago (does not)
  for (const [code, display, value, unit, minutesAgo] of [['8867-4', 'Heart rate', 72, '/min', 1], ['29463-7', 'Body weight', 81, 'kg', 2 * 24 * 60]]) {
    const vital = await fetch(`${env('TELEHUB_HAPI_URL')}/Observation`, {
      method: 'POST', headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Observation', status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: 'http://loinc.org', code, display }] }, subject: { reference: `Patient/${fhirId}` },
        effectiveDateTime: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      }),
    });
    expect(vital.status).toBe(201);
  }
  const admin2 = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
  await ok(await admin2.post('/api/v1/users', { data: { username: 'rep.nurse', displayName: 'Nurse Report', password: PW, roles: ['nurse'] } }));
  await ok(await admin2.put(`/api/v1/patients/${visit.patientId}/care-team/rep.nurse`));
  await admin2.dispose();
  const nurse = await apiAs(playwright, 'rep.nurse', PW);
  await ok(await nurse.put(`/api/v1/integration/patient/${visit.patientId}/identifiers/${env('TELEHUB_PANEL_EHR')}`, { data: { identifier: fhirId } }));
  await ok(await nurse.put(`/api/v1/integration/patient/${visit.patientId}/identifiers/${env('TELEHUB_PANEL_PACS')}`, { data: { identifier: PACS_ID } }));
  await nurse.dispose();
  // the visit ends once her records are mapped: its draft reads her vital signs from the EHR
  await held(playwright, visit.id);
  seed = { visit: visit.id, visit2: visit2.id, fhirId, totp: await enrolTotp(playwright, doctor.user, PW), totp2: await enrolTotp(playwright, doctor2.user, PW) };
  keep('seed', seed);
});

test.describe.serial('a visit report', () => {
  test('the doctor writes the report, approves it, signs it with a fresh code, opens the PDF and shares it', async ({ page }) => {
    await signIn(page, doctor.user, PW, seed.totp);
    const signedInStep = Math.floor(Date.now() / 30_000);
    await expect(page).toHaveURL(/\/agenda$/);
    keep('doctor', await page.context().storageState());
    await page.goto(`/encounters/${seed.visit}`);
    await page.getByRole('link', { name: 'Write the report' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Visit report: ${patient.name}` })).toBeVisible();
    // the completed visit made the draft; if the event is still on its way, the doctor starts it
    const startButton = page.getByRole('button', { name: 'Start the report' });
    if (await startButton.isVisible()) await startButton.click();
    await expect(page.getByTestId('report-status')).toHaveText('Draft');
    // the draft brings the visit's vital signs from the EHR (not the weight of two days ago)
    await expect(page.getByLabel('Objective')).toHaveValue(/^Vital signs \(EHR\): Heart rate: 72 \/min \(/);
    await expect(page.getByLabel('Objective')).not.toHaveValue(/Body weight/);

    await page.getByLabel('Subjective').fill('Tired for three weeks; thirsty at night.');
    await page.getByLabel('Objective').fill('BP 138/86 mmHg, HbA1c 7.2 %.');
    await page.getByLabel('Assessment').fill('Type 2 diabetes, newly found.');
    await page.getByLabel('Find a diagnosis (ICD-10 code or words)').fill('E11');
    await page.getByRole('button', { name: 'Add E11.9' }).click();
    await expect(page.getByLabel('Primary')).toBeChecked();
    await page.getByLabel('Plan', { exact: true }).fill('Start metformin; diet advice given.');
    await page.getByLabel('Find a medicine in the formulary').fill('metf');
    await page.getByRole('button', { name: 'Add Metformin 500 mg tablet' }).click();
    await page.getByLabel('Dose').fill('1 tablet');
    await page.getByLabel('Frequency').fill('twice a day with meals');
    await page.getByLabel('Duration').fill('90 days');
    await page.getByLabel('Quantity').fill('0');
    await page.getByLabel('Refills').fill('2');
    // saved by itself: the bad quantity is refused at its field, nothing saved
    await expect(page.getByText('Between 1 and 10000').first()).toBeVisible();
    await page.getByLabel('Quantity').fill('180');
    await page.getByLabel('What to do').fill('HbA1c in 3 months');
    await page.getByRole('button', { name: 'Add the order' }).click();
    await page.getByLabel('In how many days').fill('90');
    await expect(page.getByTestId('report-saved')).toHaveText(/Saved \(version \d+\)\./);
    // a medicine written in by name: saved, with a warning
    await page.getByLabel('Find a medicine in the formulary').fill('Vitamin D3');
    await page.getByRole('button', { name: 'Add by name: Vitamin D3' }).click();
    // a line needs its dose and how often: refused at the new line's fields until given
    await expect(page.locator('input[name=dose-1]')).toHaveAttribute('aria-invalid', 'true');
    await page.locator('input[name=dose-1]').fill('1 capsule');
    await page.locator('input[name=frequency-1]').fill('daily');
    await expect(page.getByText('is not in the clinic\'s formulary')).toBeVisible();
    await page.getByRole('button', { name: 'Remove Vitamin D3' }).click();
    await expect(page.getByTestId('report-saved')).toHaveText(/Saved/);
    await expect(page.getByText('is not in the clinic\'s formulary')).toBeHidden();
    await screenshot(page, 'en-desktop-report-editor');
    await accessible(page, 'report editor');

    // the preview: the PDF the signature would cover, marked as a draft
    const [preview] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/report/preview')),
      page.getByRole('button', { name: 'Preview the PDF' }).click(),
    ]);
    expect(preview.status()).toBe(200);
    expect(preview.headers()['content-type']).toBe('application/pdf');

    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(page.getByTestId('report-status')).toHaveText('Approved, not signed');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByText('Signing needs a current code of your authenticator app').first()).toBeVisible();
    await page.getByLabel('Code from your authenticator app').fill(await freshCode(seed.totp, signedInStep));
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('report-status')).toHaveText('Signed');
    keep('signedStep', Math.floor(Date.now() / 30_000));
    await expect(page.getByRole('cell', { name: /Metformin 500 mg tablet/ })).toBeVisible();
    const pdf = await fetched(page, await page.getByTestId('report-pdf').getAttribute('href'));
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
    // signed means sent: the EHR files it as a DiagnosticReport with the PDF, the PACS as an Encapsulated PDF
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('report-deliveries')).toContainText(`${env('TELEHUB_PANEL_EHR')}: Delivered`, { timeout: 1000 });
      await expect(page.getByTestId('report-deliveries')).toContainText(`${env('TELEHUB_PANEL_PACS')}: Delivered`, { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    const bundle = await (await fetch(`${env('TELEHUB_HAPI_URL')}/DiagnosticReport?subject=Patient/${seed.fhirId}`)).json();
    expect(bundle.total).toBe(1);
    const report = bundle.entry[0].resource;
    expect(report.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '11506-3' });
    expect(report.presentedForm[0].contentType).toBe('application/pdf');
    expect(Buffer.from(report.presentedForm[0].data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    // with it, the diagnosis as a Condition and the prescription line as a MedicationRequest, each once
    const conditions = await (await fetch(`${env('TELEHUB_HAPI_URL')}/Condition?subject=Patient/${seed.fhirId}`)).json();
    expect(conditions.total).toBe(1);
    expect(conditions.entry[0].resource.code.coding[0]).toMatchObject({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9' });
    expect(conditions.entry[0].resource.recorder.display).toBe(doctor.name);
    const orders = await (await fetch(`${env('TELEHUB_HAPI_URL')}/MedicationRequest?subject=Patient/${seed.fhirId}`)).json();
    expect(orders.total).toBe(1);
    const order = orders.entry[0].resource;
    expect(order.medicationCodeableConcept.coding[0]).toMatchObject({ system: 'http://www.whocc.no/atc', code: 'A10BA02' });
    expect(order.dosageInstruction[0].text).toContain('twice a day with meals, for 90 days');
    expect(order.dispenseRequest).toMatchObject({ numberOfRepeatsAllowed: 2, quantity: { value: 180 } });
    const auth = { Authorization: env('TELEHUB_ORTHANC_AUTH') };
    const found = await (await fetch(`${env('TELEHUB_ORTHANC_URL')}/tools/find`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Level: 'Instance', Query: { PatientID: PACS_ID } }),
    })).json();
    expect(found.length).toBe(1);
    const tags = await (await fetch(`${env('TELEHUB_ORTHANC_URL')}/instances/${found[0]}/simplified-tags`, { headers: auth })).json();
    expect(tags.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.104.1'); // Encapsulated PDF Storage
    expect(tags.MIMETypeOfEncapsulatedDocument).toBe('application/pdf');
    await page.getByRole('button', { name: 'Share with the patient' }).click();
    await expect(page.getByText('Shared: the patient is told.')).toBeVisible();
    await expect(page.getByText(/^Shared with the patient on /)).toBeVisible();
    await screenshot(page, 'en-desktop-report-signed');
    await accessible(page, 'signed report');

    // the doctor's list: nothing left to finish, the signed one among the signed
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await expect(page.getByText('No reports yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Signed', exact: true }).click();
    await expect(page.getByRole('cell', { name: patient.name })).toBeVisible();
  });

  test('the patient finds the shared report under Reports and opens it and its PDF', async ({ page }) => {
    await signIn(page, patient.user, PW);
    await expect(page).toHaveURL(/\/visits$/);
    keep('patient', await page.context().storageState());
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My reports' })).toBeVisible();
    await expect(page.getByRole('cell', { name: doctor.name })).toBeVisible();
    const pdf = await fetched(page, await page.getByRole('link', { name: 'PDF', exact: true }).getAttribute('href'));
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
    await page.getByRole('link', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('report-status')).toHaveText('Signed');
    await expect(page.getByText('Type 2 diabetes, newly found.')).toBeVisible();
    // the follow-up in 90 days: one step to the doctor's free times
    await expect(page.getByRole('link', { name: 'Book the follow-up visit' })).toHaveAttribute('href', /\/find\?doctor=/);
    await expect(page.getByRole('button', { name: 'Share with the patient' })).toHaveCount(0);
    await expect(page.getByLabel('Addendum')).toHaveCount(0);
    await screenshot(page, 'en-desktop-report-patient');
    await accessible(page, 'report as the patient reads it');
  });

  test('the doctor adds a signed addendum: the EHR\'s report is amended, the PACS gets it as a new document', async ({ browser }) => {
    const { context, page } = await openVariant(browser, { lang: 'en', viewport: { width: 1280, height: 800 } }, read('doctor'));
    await page.goto(`/encounters/${seed.visit}/report`);
    await expect(page.getByTestId('report-status')).toHaveText('Signed');
    await page.getByLabel('Addendum', { exact: true }).fill('Potassium came back normal.');
    await page.getByLabel('Code from your authenticator app').fill(await freshCode(seed.totp, read('signedStep')));
    await page.getByRole('button', { name: 'Sign and add the addendum' }).click();
    await expect(page.getByText('Addendum signed and added.')).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('addendum-deliveries')).toContainText(`${env('TELEHUB_PANEL_EHR')}: Delivered`, { timeout: 1000 });
      await expect(page.getByTestId('addendum-deliveries')).toContainText(`${env('TELEHUB_PANEL_PACS')}: Delivered`, { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    const bundle = await (await fetch(`${env('TELEHUB_HAPI_URL')}/DiagnosticReport?subject=Patient/${seed.fhirId}`)).json();
    expect(bundle.total).toBe(1);
    const report = bundle.entry[0].resource;
    expect(report.status).toBe('amended');
    expect(report.presentedForm.length).toBe(2);
    expect(report.conclusion).toContain('Potassium came back normal.');
    const auth = { Authorization: env('TELEHUB_ORTHANC_AUTH') };
    const found = await (await fetch(`${env('TELEHUB_ORTHANC_URL')}/tools/find`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Level: 'Instance', Query: { PatientID: PACS_ID } }),
    })).json();
    expect(found.length).toBe(2);
    await screenshot(page, 'en-desktop-report-addendum');
    await context.close();
  });

  test('the second doctor signs in (the editor pages below open their draft)', async ({ page }) => {
    await signIn(page, doctor2.user, PW, seed.totp2);
    await expect(page).toHaveURL(/\/agenda$/);
    keep('doctor2', await page.context().storageState());
  });

  test('the second doctor brings their own signing certificate: a wrong file and password refused, then it is used', async ({ browser }) => {
    const p12 = ownCertificate('Dr Maryam Ahmadi', 'own-s3cret');
    const { context, page } = await openVariant(browser, { lang: 'en', viewport: { width: 1280, height: 800 } }, read('doctor2'));
    await page.goto('/reports');
    await expect(page.getByRole('heading', { name: 'Your signing certificate' })).toBeVisible();
    await expect(page.getByTestId('signing-certificate')).toBeVisible();
    // not a certificate: refused at the file
    await page.locator('input[name=pkcs12]').setInputFiles({ name: 'notes.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.from('not a certificate') });
    await page.getByLabel('Its password').fill('own-s3cret');
    await page.getByRole('button', { name: 'Use this certificate' }).click();
    await expect(page.locator('#pkcs12-error')).toBeVisible();
    await expect(page.locator('input[name=pkcs12]')).toHaveAttribute('aria-invalid', 'true');
    // the right file with a wrong password: refused at the password, which is never shown back
    await page.locator('input[name=pkcs12]').setInputFiles(p12);
    await page.getByLabel('Its password').fill('wrong-password');
    await page.getByRole('button', { name: 'Use this certificate' }).click();
    await expect(page.getByText('does not open with this password')).toBeVisible();
    await expect(page.locator('input[name=pkcs12Password]')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Its password').fill('own-s3cret');
    await page.getByRole('button', { name: 'Use this certificate' }).click();
    await expect(page.getByText('Your next signatures use this certificate.')).toBeVisible();
    await expect(page.getByTestId('signing-certificate')).toContainText(/^Your own, from your certificate authority: CN=Dr Maryam Ahmadi/);
    await expect(page.locator('input[name=pkcs12Password]')).toHaveValue('');
    await screenshot(page, 'en-desktop-report-certificate');
    await accessible(page, 'signing certificate');
    await context.close();
  });
});

/** A doctor's own certificate as a real CA's tools make one (OpenSSL): EC P-256, for signing, not a CA; as PKCS#12. */
function ownCertificate(name, password) {
  mkdirSync(dir, { recursive: true });
  const [key, crt, p12] = ['own.key', 'own.crt', 'own.p12'].map((f) => path.join(dir, `report-${f}`));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt,
    '-days', '365', '-subj', `/O=Own CA/CN=${name}`, '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation',
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=emailProtection'], { stdio: 'pipe' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', `pass:${password}`], { stdio: 'pipe' });
  return p12;
}

const pages = [
  {
    name: 'editor', who: 'doctor2', path: () => `/encounters/${read('seed').visit2}/report`, heading: { en: 'Visit report', fa: 'گزارش ویزیت' },
    ready: async (page) => {
      const start = page.getByRole('button', { name: /Start the report|شروع گزارش/ });
      if (await start.isVisible()) await start.click();
      await expect(page.getByTestId('report-status')).toBeVisible();
      await page.locator('input[name=diagnosisSearch]').fill('E11');
      await expect(page.locator('.report-found button').first()).toBeVisible();
    },
  },
  {
    name: 'signed', who: 'doctor', path: () => `/encounters/${read('seed').visit}/report`, heading: { en: 'Visit report', fa: 'گزارش ویزیت' },
    ready: async (page) => { await expect(page.getByTestId('report-pdf')).toBeVisible(); },
  },
  {
    name: 'list', who: 'patient', path: '/reports', heading: { en: 'My reports', fa: 'گزارش‌های من' },
    ready: async (page) => { await expect(page.getByRole('cell', { name: doctor.name })).toBeVisible(); },
  },
  {
    name: 'certificate', who: 'doctor2', path: '/reports', heading: { en: 'Reports', fa: 'گزارش‌ها' },
    ready: async (page) => { await expect(page.getByTestId('signing-certificate')).toContainText('CN=Dr Maryam Ahmadi'); },
  },
];
localisedPages('report pages in Persian and on a phone', pages, { prefix: 'report-', state: (p) => read(p.who) });
