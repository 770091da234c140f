import type React from 'react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api, setCsrfToken, setUnauthorizedHandler } from './api/client';
import { type AuthSession, AuthContext, homeFor, useAuth } from './auth';
import { loginUrl, saveOpenDrafts } from './drafts';
import { type CalendarChoice, type Lang, LANGS } from './format';
import { applyLang } from './i18n';
import { setSignedOutHandler } from './realtime';
import { setCalendar, setPrefsLang, useCalendar } from './prefs';
import Agenda from './pages/Agenda';
import FindDoctor from './pages/FindDoctor';
import Join from './pages/Join';
import Login from './pages/Login';
import Visit from './pages/Visit';
import Visits from './pages/Visits';
import Panel from './pages/panel/Panel';
import Messages from './pages/chat/Messages';
import Direct from './pages/chat/Direct';
import { Bell } from './pages/chat/Bell';
import { DeskOnly, DESK_ROLES } from './pages/desk/roles';
import { administers } from './pages/admin/logic';
import { Button, Failsafe } from './ui';

/** Who takes part in visits' conversations (the messages page): patients and clinicians. */
const CHAT_ROLES = ['patient', 'doctor', 'nurse'];

// the desk area's pages (staff only) are chunks of their own: patients never load them
const Desk = lazy(() => import('./pages/desk/Desk'));
const Hours = lazy(() => import('./pages/desk/Hours'));
const Invitations = lazy(() => import('./pages/desk/Invitations'));

// the admin pages are loaded only by those who open them (not in the patients' first load)
const AdminHome = lazy(() => import('./pages/admin/AdminLayout').then((m) => ({ default: m.AdminHome })));
const AdminUsers = lazy(() => import('./pages/admin/Users'));
const AdminPeople = lazy(() => import('./pages/admin/People'));
const AdminWebhooks = lazy(() => import('./pages/admin/Webhooks'));
const AdminIntegration = lazy(() => import('./pages/admin/Integration'));
const AdminFormulary = lazy(() => import('./pages/admin/Formulary'));
const DoctorProfile = lazy(() => import('./pages/directory/DoctorProfile'));
const PublicProfile = lazy(() => import('./pages/directory/DoctorProfile').then((m) => ({ default: m.PublicProfile })));
const AdminClinics = lazy(() => import('./pages/admin/Clinics'));
const AdminInsurance = lazy(() => import('./pages/admin/Insurance'));
const AdminDiseases = lazy(() => import('./pages/admin/Diseases'));
const MyInsurance = lazy(() => import('./pages/directory/MyInsurance'));
const ClinicPage = lazy(() => import('./pages/directory/ClinicPage'));
// clinical reports: the editor is the doctors', the lists patients' and doctors'
const ReportPage = lazy(() => import('./pages/report/ReportPage'));
const Reports = lazy(() => import('./pages/report/Reports'));

const LANG_NAMES: Record<Lang, string> = { en: 'English', fa: 'فارسی', ru: 'Русский' };

export default function App() {
  const [session, setSession] = useState<AuthSession | null>(null);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    // the app was (re)loaded: a live session gives its CSRF token again
    api.GET('/auth/session').then((r) => {
      const s = r.data as unknown as AuthSession;
      setCsrfToken(s.csrfToken);
      setSession(s);
    }).catch(() => setSession(null)).finally(() => setChecked(true));
  }, []);
  return (
    <AuthContext.Provider value={{ session, setSession }}>
      <BrowserRouter>
        <SessionExpiry />
        <Shell>{checked ? <AppRoutes /> : null}</Shell>
      </BrowserRouter>
    </AuthContext.Provider>
  );
}

/**
 * A 401 of an ordinary call: the session ended. The open forms' drafts are kept, the session is forgotten, and the
 * protected page the reader is on sends them to /login (marked as expired) and back here afterwards.
 */
let sessionLost = false;

function SessionExpiry() {
  const { setSession } = useAuth();
  useEffect(() => {
    const lost = () => {
      saveOpenDrafts();
      setCsrfToken(null);
      sessionLost = true;
      setSession(null);
    };
    setUnauthorizedHandler(lost);
    setSignedOutHandler(lost); // the realtime channel closed with 4401: the same
  }, [setSession]);
  return null;
}

function Protected({ role, children }: { role?: string; children: React.ReactElement }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) {
    return <Navigate to={loginUrl(location.pathname + location.search) + (sessionLost ? '&expired=1' : '')} replace />;
  }
  sessionLost = false;
  if (role && !session.user.roles.includes(role)) return <Navigate to={homeFor(session)} replace />;
  return children;
}

function AppRoutes() {
  const { session } = useAuth();
  const { t } = useTranslation();
  return (
    <Routes>
      <Route path="/" element={<Navigate to={homeFor(session)} replace />} />
      <Route path="/login" element={<Login />} />
      <Route path="/join" element={<Join />} />
      <Route path="/join/:room" element={<Join />} />
      <Route path="/find" element={<Protected role="patient"><FindDoctor /></Protected>} />
      <Route path="/visits" element={<Protected><Visits /></Protected>} />
      <Route path="/messages" element={<Protected><Messages /></Protected>} />
      <Route path="/messages/direct/:id" element={<Protected><Direct /></Protected>} />
      <Route path="/agenda" element={<Protected role="doctor"><Agenda /></Protected>} />
      <Route path="/encounters/:id" element={<Protected><Visit /></Protected>} />
      <Route path="/encounters/:id/report" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><ReportPage /></Suspense></Protected>} />
      <Route path="/reports" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><Reports /></Suspense></Protected>} />
      <Route path="/patients/:id" element={<Protected><Panel /></Protected>} />
      <Route path="/desk" element={<Protected><DeskOnly><Suspense><Desk /></Suspense></DeskOnly></Protected>} />
      <Route path="/desk/visits/:id/invitations" element={<Protected><Suspense><Invitations /></Suspense></Protected>} />
      <Route path="/agenda/hours" element={<Protected role="doctor"><Suspense><Hours /></Suspense></Protected>} />
      <Route path="/admin" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminHome /></Suspense></Protected>} />
      <Route path="/admin/users" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminUsers /></Suspense></Protected>} />
      <Route path="/admin/people" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminPeople /></Suspense></Protected>} />
      <Route path="/admin/webhooks" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminWebhooks /></Suspense></Protected>} />
      <Route path="/admin/formulary" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminFormulary /></Suspense></Protected>} />
      <Route path="/public/doctors/:id" element={<Suspense fallback={<p>{t('loading')}</p>}><PublicProfile /></Suspense>} />
      <Route path="/admin/insurance" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminInsurance /></Suspense></Protected>} />
      <Route path="/admin/diseases" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminDiseases /></Suspense></Protected>} />
      <Route path="/clinics/:id" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><ClinicPage /></Suspense></Protected>} />
      <Route path="/insurance" element={<Protected role="patient"><Suspense fallback={<p>{t('loading')}</p>}><MyInsurance /></Suspense></Protected>} />
      <Route path="/admin/clinics" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminClinics /></Suspense></Protected>} />
      <Route path="/doctors/:id" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><DoctorProfile /></Suspense></Protected>} />
      <Route path="/admin/integration" element={<Protected><Suspense fallback={<p>{t('loading')}</p>}><AdminIntegration /></Suspense></Protected>} />
      <Route path="*" element={<section><h1>{t('error.notFound')}</h1><Link to="/">{t('error.home')}</Link></section>} />
    </Routes>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const { session, setSession } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const calendar = useCalendar();
  const lang = i18n.language as Lang;
  const roles = session?.user.roles ?? [];

  async function signOut() {
    try { await api.DELETE('/auth/session'); } catch { /* ended already */ }
    setCsrfToken(null);
    setSession(null);
    navigate('/login');
  }

  return (
    <>
      <a className="skip" href="#main">{t('skip')}</a>
      <header className="top">
        <Link to="/" className="brand">{t('app')}</Link>
        {session && (
          <nav aria-label={t('app')}>
            {roles.includes('patient') && <Link to="/find">{t('nav.find')}</Link>}
            {roles.includes('patient') && <Link to="/visits">{t('nav.visits')}</Link>}
            {roles.includes('patient') && <Link to="/insurance">{t('directory.insurance.title')}</Link>}
            {roles.includes('patient') && <Link to="/reports">{t('report.nav')}</Link>}
            {roles.includes('doctor') && <Link to="/agenda">{t('nav.agenda')}</Link>}
            {roles.includes('doctor') && <Link to="/reports">{t('report.nav')}</Link>}
            {roles.includes('doctor') && <Link to="/doctors/me">{t('directory.profilePage.mine')}</Link>}
            {roles.some((r) => CHAT_ROLES.includes(r)) && <Link to="/messages">{t('nav.messages')}</Link>}
            {roles.some((r) => DESK_ROLES.includes(r)) && <Link to="/desk">{t('nav.desk')}</Link>}
            {administers(roles) && <Link to="/admin">{t('nav.admin')}</Link>}
          </nav>
        )}
        {session && roles.some((r) => CHAT_ROLES.includes(r)) && <Bell />}
        <div className="prefs">
          <label>{t('language')}
            <select name="language" value={lang} onChange={(e) => { const l = e.target.value as Lang; applyLang(l); setPrefsLang(l); }}>
              {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
            </select>
          </label>
          <label>{t('calendar')}
            <select name="calendar" value={calendar} onChange={(e) => setCalendar(e.target.value as CalendarChoice)}>
              <option value="gregory">{t('gregory')}</option>
              <option value="persian">{t('persian')}</option>
            </select>
          </label>
          {session && <Button variant="secondary" onPress={signOut}>{t('signOut')}</Button>}
        </div>
      </header>
      <main id="main" tabIndex={-1}><Failsafe key={location.pathname} message={t('partFailed')}>{children}</Failsafe></main>
    </>
  );
}
