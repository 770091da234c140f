import type React from 'react';
import { Navigate } from 'react-router';
import { homeFor, useAuth } from '../../auth';

/** Who uses the desk (booking for a patient): front desk and nurses, and an administrator. */
export const DESK_ROLES = ['front-desk', 'nurse', 'admin'];

export function DeskOnly({ children }: { children: React.ReactElement }) {
  const { session } = useAuth();
  if (!session?.user.roles.some((r) => DESK_ROLES.includes(r))) return <Navigate to={homeFor(session)} replace />;
  return children;
}
