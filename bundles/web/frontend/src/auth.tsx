import { createContext, useContext } from 'react';
import type { Schemas } from './api/client';
import { administers } from './pages/admin/logic';

/**
 * GET/POST /auth/session's answer. Typed here rather than from the schema: the OpenAPI generator names both
 * AuthResource.SessionView and the portal's Views.SessionView "SessionView", and the document keeps the latter.
 */
export interface AuthSession {
  user: { id: number; username: string; displayName?: string; roles: string[] };
  csrfToken: string;
  expiresAt: string;
  idleMinutes: number;
}

export type Encounter = Schemas['EncounterView'];
export type Doctor = Schemas['DoctorView'];

export interface AuthState {
  session: AuthSession | null;
  setSession: (s: AuthSession | null) => void;
}

export const AuthContext = createContext<AuthState>({ session: null, setSession: () => {} });

export function useAuth(): AuthState {
  return useContext(AuthContext);
}

export function homeFor(session: AuthSession | null): string {
  if (!session) return '/login';
  if (session.user.roles.includes('doctor')) return '/agenda';
  if (session.user.roles.some((r) => r === 'front-desk' || r === 'nurse')) return '/desk';
  // administrators (and clinic administrators, whose role carries its clinic: clinic-admin:north) run the clinic
  return administers(session.user.roles) ? '/admin' : '/visits';
}
