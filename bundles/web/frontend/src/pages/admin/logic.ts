// The admin pages' rules that are not layout: who is an administrator of what, the roles an account may hold, the
// one-time webhook secret, and when a set of deliveries has settled. Kept here so Vitest checks them without a DOM.

/** The roles an account may hold (org.telehub.security.Roles.ALL); clinic-admin only with its clinic. */
export const ROLES = ['admin', 'clinic-admin', 'doctor', 'nurse', 'front-desk', 'patient', 'export'] as const;

/** The base of a role: `clinic-admin:North Clinic` → `clinic-admin`. */
export function baseRole(role: string): string {
  const i = role.indexOf(':');
  return i < 0 ? role : role.slice(0, i);
}

export function hasRole(roles: readonly string[] | undefined, role: string): boolean {
  return (roles ?? []).some((r) => baseRole(r) === role);
}

/** The clinics a clinic administrator administers (the scopes of their clinic-admin roles). */
export function clinicScopes(roles: readonly string[] | undefined): string[] {
  return (roles ?? []).filter((r) => r.startsWith('clinic-admin:')).map((r) => r.slice('clinic-admin:'.length));
}

/** Who sees the admin pages at all: the system administrator and clinic administrators. */
export function administers(roles: readonly string[] | undefined): boolean {
  return hasRole(roles, 'admin') || hasRole(roles, 'clinic-admin');
}

/**
 * The roles to send for a set of ticked boxes and the clinic typed for clinic-admin: the clinic becomes the role's
 * scope (`clinic-admin:<clinic>`); without one the bare role is sent and the API refuses it in its own words.
 */
export function rolesToSend(ticked: readonly string[], clinic: string): string[] {
  return ticked.map((r) => (r === 'clinic-admin' && clinic.trim() ? `clinic-admin:${clinic.trim()}` : r));
}

/** A fresh webhook secret (32 random bytes, hex): made in the browser, sent once, shown once, never again. */
export function newSecret(random: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)): string {
  return [...random(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Delivery states that may still change by themselves (the delivery is not settled yet). */
export const OPEN_STATES = new Set(['queued', 'pending', 'in_flight', 'retrying']);

export interface Progress { total: number; open: number; delivered: number; dead: number; settled: boolean; percent: number }

/** How far a set of deliveries (e.g. one send-results, one delivery per system) has come. */
export function progressOf(states: readonly (string | undefined)[]): Progress {
  const total = states.length;
  const open = states.filter((s) => s && OPEN_STATES.has(s)).length;
  const delivered = states.filter((s) => s === 'delivered').length;
  const dead = states.filter((s) => s === 'dead').length;
  return { total, open, delivered, dead, settled: total > 0 && open === 0, percent: total ? Math.round(100 * (total - open) / total) : 0 };
}

/** A case-insensitive match of a user against a search text (username, display name, e-mail, roles). */
export function userMatches(u: { username?: string; displayName?: string; email?: string; roles?: string[] }, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [u.username, u.displayName, u.email, ...(u.roles ?? [])].some((s) => (s ?? '').toLowerCase().includes(needle));
}
