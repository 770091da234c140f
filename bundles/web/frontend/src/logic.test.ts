import { describe, expect, it, vi } from 'vitest';
import { dirOf, formatDate, formatDateTime, formatNumber } from './format';
import { ApiError, problemOf, toShown } from './api/problem';
import { authMiddleware, isAuthProbe, setBearerToken, setCsrfToken, setUnauthorizedHandler } from './api/client';
import { loginUrl, registerDraft, safeReturnTo, saveOpenDrafts, takeDraft } from './drafts';

const NOWRUZ = '2025-03-21T08:00:00Z'; // 1 Farvardin 1404

describe('formatting', () => {
  it('writes Persian digits and the Jalali date for fa', () => {
    const s = formatDate(NOWRUZ, 'fa', 'persian', 'UTC');
    expect(s).toMatch(/۱۴۰۴/);
    expect(s).toMatch(/فروردین/);
    expect(s).not.toMatch(/[0-9]/);
    expect(s).toBe('جمعه، ۱ فروردین ۱۴۰۴'); // weekday first, the Persian comma, then day month year
    expect(formatDate(NOWRUZ, 'fa', 'gregory', 'UTC')).toBe('جمعه، ۲۱ مارس ۲۰۲۵');
    expect(formatNumber(1234, 'fa')).toBe('۱٬۲۳۴');
  });
  it('gives Persian readers the Gregorian calendar when they choose it', () => {
    expect(formatDate(NOWRUZ, 'fa', 'gregory', 'UTC')).toMatch(/۲۰۲۵/);
  });
  it('shows the Jalali calendar in English and Russian on request', () => {
    expect(formatDate(NOWRUZ, 'en', 'persian', 'UTC')).toMatch(/Farvardin 1, 1404/);
    expect(formatDate(NOWRUZ, 'ru', 'gregory', 'UTC')).toMatch(/21 марта 2025/);
  });
  it('shows a moment in the reader’s own time zone', () => {
    expect(formatDateTime('2025-03-21T08:00:00Z', 'en', 'gregory', 'Asia/Tehran')).toMatch(/11:30/);
    expect(formatDateTime('2025-03-21T08:00:00Z', 'en', 'gregory', 'America/New_York')).toMatch(/4:00/);
  });
  it('is right-to-left for Persian only', () => {
    expect([dirOf('fa'), dirOf('en'), dirOf('ru')]).toEqual(['rtl', 'ltr', 'ltr']);
  });
});

describe('API errors', () => {
  it('takes the problem+json detail and field', () => {
    expect(toShown({ status: 400, title: 'Bad Request', detail: 'Must be in the future', field: 'scheduledStart' }))
      .toEqual({ message: 'Must be in the future', field: 'scheduledStart', status: 400 });
  });
  it('falls back to the title, then the status', () => {
    expect(toShown({ status: 409, title: 'Conflict' }).message).toBe('Conflict');
    expect(toShown(undefined, 502).message).toBe('HTTP 502');
    expect(toShown(undefined).message).toBe('The hub could not be reached');
  });
  it('reads a Response that is not JSON', async () => {
    const p = await problemOf(new Response('<html>', { status: 503 }));
    expect(new ApiError(p).message).toBe('HTTP 503');
  });
});

describe('session expiry', () => {
  it('sends the CSRF token on unsafe requests only', async () => {
    setCsrfToken('csrf-1');
    const post = new Request('http://h/api/v1/encounters', { method: 'POST' });
    const get = new Request('http://h/api/v1/encounters');
    const call = (request: Request) => (authMiddleware.onRequest as any)({ request });
    expect((await call(post)).headers.get('X-CSRF-Token')).toBe('csrf-1');
    expect((await call(get)).headers.get('X-CSRF-Token')).toBeNull();
  });
  it('a guest\'s visit token goes as a bearer token on every request, instead of the CSRF token, while set', async () => {
    setCsrfToken('csrf-1');
    setBearerToken('visit-token-1');
    const call = (request: Request) => (authMiddleware.onRequest as any)({ request });
    const post = await call(new Request('http://h/api/v1/conversations/encounters/e/messages', { method: 'POST' }));
    expect(post.headers.get('Authorization')).toBe('Bearer visit-token-1');
    expect(post.headers.get('X-CSRF-Token')).toBeNull();
    expect((await call(new Request('http://h/api/v1/x'))).headers.get('Authorization')).toBe('Bearer visit-token-1');
    setBearerToken(null);
    expect((await call(new Request('http://h/api/v1/x'))).headers.get('Authorization')).toBeNull();
  });
  it('a 401 of an ordinary call saves the open drafts and asks for the login; the login’s own 401 does not', async () => {
    const handler = vi.fn(() => saveOpenDrafts());
    setUnauthorizedHandler(handler);
    const off = registerDraft('booking', () => ({ complaint: 'Headache', notes: 'since Monday' }));
    const r401 = () => new Response(JSON.stringify({ status: 401, detail: 'The session ended' }), { status: 401 });
    const respond = (method: string, url: string) =>
      (authMiddleware.onResponse as any)({ request: new Request(url, { method }), response: r401() });
    await expect(respond('POST', 'http://h/api/v1/auth/session')).rejects.toThrow('The session ended');
    expect(handler).not.toHaveBeenCalled();
    await expect(respond('GET', 'http://h/api/v1/encounters')).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledOnce();
    off();
    expect(takeDraft('booking')).toEqual({ complaint: 'Headache', notes: 'since Monday' });
    expect(takeDraft('booking')).toBeNull(); // taken once
  });
  it('returns only to paths of this app', () => {
    expect(isAuthProbe('GET', 'http://h/api/v1/auth/session')).toBe(true);
    expect(safeReturnTo('//evil.example/')).toBe('/');
    expect(safeReturnTo('https://evil.example/')).toBe('/');
    expect(safeReturnTo('/visits?x=1')).toBe('/visits?x=1');
    expect(loginUrl('/encounters/e1')).toBe('/login?returnTo=%2Fencounters%2Fe1');
  });
});

describe('public calls', () => {
  it('a join link’s 401 is the link’s answer, not a lost session', () => {
    expect(isAuthProbe('GET', 'http://h/api/v1/join?token=x')).toBe(true);
    expect(isAuthProbe('POST', 'http://h/api/v1/join/invitations')).toBe(true);
    expect(isAuthProbe('GET', 'http://h/api/v1/encounters')).toBe(false);
    expect(isAuthProbe('DELETE', 'http://h/api/v1/auth/session')).toBe(false);
  });
});

describe('texts', () => {
  const keys = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) =>
    (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
  it('has every English key in Persian and Russian, and no other (core and every src/locales area)', async () => {
    const { resources } = await import('./i18n');
    const en = keys(resources.en.translation).sort();
    expect(en.length).toBeGreaterThan(50);
    expect(keys(resources.fa.translation).sort()).toEqual(en);
    expect(keys(resources.ru.translation).sort()).toEqual(en);
  });
});
