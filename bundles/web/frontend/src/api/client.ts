import createClient, { type Middleware } from 'openapi-fetch';
import type { paths, components } from './schema';
import { ApiError, problemOf } from './problem';

export type Schemas = components['schemas'];

// The browser's authentication (issue 15): the httpOnly session cookie goes by itself (same origin); every unsafe
// request carries the session's CSRF token in X-CSRF-Token. The token comes from POST/GET /auth/session.

let csrfToken: string | null = null;
let bearerToken: string | null = null;
let onUnauthorized: () => void = () => {};

/**
 * A guest's or interpreter's visit token (issue 15): they have no account and no session cookie, so while set every
 * request carries it as a bearer token (the hub lets it reach its own visit's routes only).
 */
export function setBearerToken(token: string | null): void {
  bearerToken = token;
}

/** The visit token in use, for the few requests not made through {@link api} (uploads with progress). */
export function currentBearerToken(): string | null {
  return bearerToken;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for the few requests not made through {@link api} (uploads with progress). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

/** What happens on a 401 of an ordinary call (not the login itself): the app saves drafts and goes to /login. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Calls whose 401 is an answer, not a lost session: the login and the session probe, and the join link's check
 * (a public route: its 401 says the link is no good, shown on the landing page).
 */
export function isAuthProbe(method: string, url: string): boolean {
  const path = new URL(url, 'http://x').pathname;
  return (path.endsWith('/auth/session') && (method === 'POST' || method === 'GET'))
    || path.endsWith('/api/v1/join') || path.includes('/api/v1/join/');
}

export const authMiddleware: Middleware = {
  onRequest({ request }) {
    if (bearerToken) {
      request.headers.set('Authorization', `Bearer ${bearerToken}`);
    } else if (!SAFE.has(request.method) && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    request.headers.set('Accept', 'application/json, application/problem+json');
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401 && !isAuthProbe(request.method, request.url)) {
      onUnauthorized();
    }
    if (!response.ok) {
      throw new ApiError(await problemOf(response));
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '/api/v1', credentials: 'same-origin' });
api.use(authMiddleware);

/** The data of an openapi-fetch answer; errors were already thrown by the middleware as {@link ApiError}. */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) {
    if (r.response.status === 204) return undefined as T;
    throw new ApiError({ status: r.response.status, detail: 'Empty answer' });
  }
  return r.data;
}
