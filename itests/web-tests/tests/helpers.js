import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';

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

/** A POST/PUT/… answer that must be 2xx: its JSON, or an error with the problem's words. */
export async function ok(response) {
  if (!response.ok()) throw new Error(`${response.url()}: ${response.status()} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}
