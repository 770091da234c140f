import { describe, expect, it } from 'vitest';
import { administers, baseRole, clinicScopes, hasRole, newSecret, progressOf, rolesToSend, userMatches } from './logic';
import texts from '../../locales/admin';

describe('admin roles', () => {
  it('sees a scoped clinic-admin role as clinic-admin with its clinic', () => {
    expect(baseRole('clinic-admin:North Clinic')).toBe('clinic-admin');
    expect(hasRole(['clinic-admin:North Clinic'], 'clinic-admin')).toBe(true);
    expect(hasRole(['clinic-admin:North Clinic'], 'admin')).toBe(false);
    expect(clinicScopes(['doctor', 'clinic-admin:North Clinic', 'clinic-admin:South'])).toEqual(['North Clinic', 'South']);
  });
  it('shows the admin pages to administrators only', () => {
    expect(administers(['admin'])).toBe(true);
    expect(administers(['clinic-admin:North Clinic'])).toBe(true);
    for (const r of ['patient', 'doctor', 'nurse', 'front-desk', 'export']) expect(administers([r])).toBe(false);
    expect(administers(undefined)).toBe(false);
  });
  it('sends clinic-admin with the typed clinic as its scope, and bare when none was typed (the API refuses it)', () => {
    expect(rolesToSend(['doctor', 'clinic-admin'], ' North Clinic ')).toEqual(['doctor', 'clinic-admin:North Clinic']);
    expect(rolesToSend(['clinic-admin'], '  ')).toEqual(['clinic-admin']);
  });
  it('searches users by name, username, e-mail and role', () => {
    const u = { username: 'dr.who', displayName: 'The Doctor', email: 'who@tardis.example', roles: ['doctor'] };
    expect(userMatches(u, 'DOCTOR')).toBe(true);
    expect(userMatches(u, 'tardis')).toBe(true);
    expect(userMatches(u, 'nurse')).toBe(false);
    expect(userMatches(u, '  ')).toBe(true);
  });
});

describe('webhook secret', () => {
  it('is 64 hex characters from the random source, different each time', () => {
    const a = newSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret()).not.toBe(a);
    expect(newSecret((x) => x.fill(255))).toBe('ff'.repeat(32));
  });
});

describe('delivery progress', () => {
  it('is settled when nothing is queued, in flight or retrying', () => {
    expect(progressOf(['queued', 'delivered', 'retrying'])).toEqual({ total: 3, open: 2, delivered: 1, dead: 0, settled: false, percent: 33 });
    expect(progressOf(['delivered', 'dead', 'delivered'])).toMatchObject({ open: 0, delivered: 2, dead: 1, settled: true, percent: 100 });
    expect(progressOf(['in_flight'])).toMatchObject({ settled: false });
    expect(progressOf([])).toMatchObject({ total: 0, settled: false });
  });
});

describe('admin texts', () => {
  it('has a text for every role the API knows in every language', () => {
    for (const lang of ['en', 'fa', 'ru'] as const) {
      for (const r of ['admin', 'clinic-admin', 'doctor', 'nurse', 'front-desk', 'patient', 'export']) {
        expect((texts[lang].users.role as Record<string, string>)[r], `${lang} ${r}`).toBeTruthy();
      }
    }
  });
});
