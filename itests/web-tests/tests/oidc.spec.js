// Sign-in through the clinic's identity provider in the browser (issue 16): the sign-in page shows the provider's
// button because the hub says it is configured (GET /api/v1/auth/oidc, with the clinic's words for it), the button
// leads to Keycloak's own login page, and Keycloak's redirect back lands signed in where the person was going
// (the first page back from the provider carries no SameSite=Strict cookie: the app asks GET /auth/session).
// A person Keycloak knows but the clinic has no Telehub account for is sent back to the sign-in page with the
// reason in the reader's language, and no session.
import { test, expect } from '@playwright/test';
import { accessible, apiAs, env, language, ok, screenshot } from './helpers.js';

const kcPassword = env('TELEHUB_KC_PASSWORD');
const LABEL = 'Sign in with the clinic account';

/** Keycloak's own login form (its theme's ids), then its redirect back to the hub. */
async function throughKeycloak(page, username) {
  await expect(page).toHaveURL(/\/realms\/telehub-test\/protocol\/openid-connect\/auth/);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(kcPassword);
  await page.locator('#kc-login').click();
}

test.describe.serial('sign-in through the identity provider', () => {
  test.beforeAll(async ({ playwright }) => {
    // the clinic's account for the provider's nurse (linked by username; the provider decides the role)
    const admin = await apiAs(playwright, env('TELEHUB_ADMIN_USER'), env('TELEHUB_ADMIN_PASSWORD'));
    await ok(await admin.post('/api/v1/users', {
      data: { username: 'kc.nurse', displayName: 'Nurse Keycloak', roles: ['front-desk'], password: 'unused-local-pass-1' },
    }));
    await admin.dispose();
  });

  test('the nurse goes to a protected page, signs in on Keycloak\'s page and lands there signed in', async ({ page }) => {
    await page.goto('/visits');
    // asked by the page's own fetch (the browser trusts exactly the hub's key; Playwright's request client does not)
    const options = await page.evaluate(async () => (await fetch('/api/v1/auth/oidc')).json());
    expect(options).toEqual({ enabled: true, label: LABEL });
    await expect(page).toHaveURL(/\/login\?returnTo=%2Fvisits/);
    const button = page.getByRole('link', { name: LABEL });
    await expect(button).toBeVisible();
    await screenshot(page, 'en-desktop-oidc-login');
    await button.click();
    await throughKeycloak(page, 'kc.nurse');

    await expect(page).toHaveURL(/\/visits$/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
    expect(session.user.username).toBe('kc.nurse');
    expect(session.user.roles).toEqual(['nurse']); // the provider's role, not the stored front desk
    await screenshot(page, 'en-desktop-oidc-signed-in');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
  });

  test('a person without a Telehub account is sent back with the reason in Persian, and has no session', async ({ page }) => {
    await page.goto('/login');
    await language(page, 'fa');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.getByRole('link', { name: LABEL }).click();
    await throughKeycloak(page, 'kc.stranger');
    await expect(page).toHaveURL(/\/login\?error=denied$/);
    await expect(page.getByRole('alert')).toHaveText(/اجازهٔ استفاده از تله‌هاب را ندارد/);
    expect(await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status)).toBe(401);
    await screenshot(page, 'fa-desktop-oidc-denied');
    await accessible(page, 'sign-in refused by the provider');
  });
});
