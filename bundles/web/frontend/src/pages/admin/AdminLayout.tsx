import type React from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink } from 'react-router';
import { homeFor, useAuth } from '../../auth';
import { administers, hasRole } from './logic';
import './admin.css';

/** The admin pages' frame: a heading, the tabs this caller may use, and a refusal (home) for everyone else. */
export default function AdminLayout({ titleKey, children, adminOnly = true }: {
  titleKey: string; children: React.ReactNode; adminOnly?: boolean;
}) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const roles = session?.user.roles;
  const admin = hasRole(roles, 'admin');
  if (!administers(roles) || (adminOnly && !admin)) return <Navigate to={admin || administers(roles) ? '/admin' : homeFor(session)} replace />;
  const tabs = admin ? ['users', 'people', 'clinics', 'webhooks', 'integration', 'formulary', 'diseases', 'insurance'] : ['people', 'clinics'];
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t(titleKey)}</h1>
      <nav aria-label={t('admin.title')}>
        <ul className="admin-tabs">
          {tabs.map((k) => <li key={k}><NavLink to={`/admin/${k}`}>{t(`admin.tabs.${k}`)}</NavLink></li>)}
        </ul>
      </nav>
      {children}
    </section>
  );
}

/** /admin: the first page this caller may use. */
export function AdminHome() {
  const { session } = useAuth();
  const roles = session?.user.roles;
  if (hasRole(roles, 'admin')) return <Navigate to="/admin/users" replace />;
  if (administers(roles)) return <Navigate to="/admin/people" replace />;
  return <Navigate to={homeFor(session)} replace />;
}
