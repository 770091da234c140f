import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, must } from '../api/client';
import type { Encounter } from '../auth';
import { registerDraft, takeDraft } from '../drafts';
import { browserTimeZone, formatDateTime, type Lang } from '../format';
import { useAuth } from '../auth';
import { useCalendar } from '../prefs';
import { Button, ErrorNote, Failsafe, Field, Notice, fieldError } from '../ui';
import Conversation from './chat/Conversation';
import { closedStatus } from './room/logic';

// the video room (WebRTC, its own styles) is loaded only for a visit that has one
const Room = lazy(() => import('./room/Room'));
const CallQuality = lazy(() => import('./room/CallQuality'));
const Recordings = lazy(() => import('./room/Recordings'));
const ReviewForm = lazy(() => import('./directory/DoctorProfile').then((m) => ({ default: m.ReviewForm })));

/** The steps the API offers, in the order the buttons show; each is POST /encounters/{id}/<step>. */
const STEPS = ['confirm', 'start', 'end', 'no-show', 'cancel'] as const;

export default function Visit() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const { session } = useAuth();
  const [e, setE] = useState<Encounter | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const draft = useMemo(() => takeDraft(`visit-${id}`), [id]);
  const [notes, setNotes] = useState<string | null>(draft?.doctorNotes ?? null);

  const load = useCallback(async () => {
    try {
      const v = must(await api.GET('/encounters/{id}', { params: { path: { id }, query: { zone: browserTimeZone() } } }));
      setE(v);
      setNotes((n) => n ?? v.doctorNotes ?? '');
    } catch (err) { setError(err); }
  }, [id]);
  useEffect(() => { void load(); }, [load]);
  // the clinic the visit is at (its address matters for a visit in person), from the directory
  const [clinic, setClinic] = useState<{ id: string; name: string; address?: string } | null>(null);
  useEffect(() => {
    if (!e?.clinicId) return;
    api.GET('/directory/clinics/{id}', { params: { path: { id: e.clinicId } } })
      .then((r) => setClinic(r.data?.name ? { id: e.clinicId!, name: r.data.name, address: r.data.address } : null))
      .catch(() => setClinic(null));
  }, [e?.clinicId]);
  // the room says when the visit's status changed (the first admission starts it, "End the visit for everyone" ends
  // it): the page shows the visit as it is now, with the steps that follow from it
  const status = e?.status;
  const roomStatus = useCallback((s: string) => { if (s !== status) void load(); }, [status, load]);
  useEffect(() => registerDraft(`visit-${id}`, () => ({ doctorNotes: notes ?? '' })), [id, notes]);

  async function step(s: (typeof STEPS)[number]) {
    setError(null);
    try {
      const path = { params: { path: { id } } };
      const v = s === 'confirm' ? await api.POST('/encounters/{id}/confirm', path)
        : s === 'start' ? await api.POST('/encounters/{id}/start', path)
        : s === 'end' ? await api.POST('/encounters/{id}/end', path)
        : s === 'no-show' ? await api.POST('/encounters/{id}/no-show', { ...path, body: {} })
        : await api.POST('/encounters/{id}/cancel', { ...path, body: {} });
      setE(must(v));
      setNotice(t(`status.${must(v).status}`, { defaultValue: must(v).status }));
    } catch (err) { setError(err); }
  }
  async function saveNotes() {
    setError(null);
    try {
      setE(must(await api.PUT('/encounters/{id}/notes', { params: { path: { id } }, body: { doctorNotes: notes ?? '' } })));
      setNotice(t('visit.saved'));
    } catch (err) { setError(err); }
  }

  if (!e) return <section><h1>{t('visit.title')}</h1>{error ? <ErrorNote error={error} /> : <p>{t('loading')}</p>}</section>;
  const allowed = e.allowedTransitions ?? [];
  const roles = session?.user.roles ?? [];
  const clinician = roles.some((r) => r === 'doctor' || r === 'nurse');
  // allowedTransitions follow the visit's status, not the caller: a patient may confirm or cancel, the rest is the
  // care team's (the API refuses a patient's start, end and no-show with 403), as are the doctor's notes
  const staff = clinician || roles.includes('admin');
  const mine = (s: (typeof STEPS)[number]) => staff || s === 'confirm' || s === 'cancel';
  // a video or audio visit has a room: its patient, doctor and invited participants meet there (the hub refuses others)
  const room = (e.type === 'video' || e.type === 'audio') && !!e.roomId;
  return (
    <section aria-labelledby="visit-title">
      <h1 id="visit-title">{t('visit.title')}: {e.patientName}</h1>
      <dl className="facts card">
        <dt>{t('visit.patient')}</dt><dd>{e.patientName}
          {clinician && e.patientId && <> · <Link to={`/patients/${e.patientId}`}>{t('panel.open')}</Link></>}</dd>
        <dt>{t('visit.time')}</dt><dd data-testid="visit-time">{formatDateTime(e.scheduledStart!, lang, calendar, browserTimeZone())}</dd>
        {clinic && <><dt>{t('visit.clinic')}</dt><dd data-testid="visit-clinic"><Link to={`/clinics/${clinic.id}`}>{clinic.name}</Link>{clinic.address ? ` · ${clinic.address}` : ''}</dd></>}
        <dt>{t('visit.status')}</dt><dd data-testid="visit-status">{t(`status.${e.status}`, { defaultValue: e.status })}</dd>
        <dt>{t('visit.complaint')}</dt><dd>{e.chiefComplaint || t('visit.none')}</dd>
        <dt>{t('visit.patientNotes')}</dt><dd>{e.patientNotes || t('visit.none')}</dd>
      </dl>
      <div className="actions">
        {STEPS.filter((s) => allowed.includes(s) && mine(s)).map((s) => (
          <Button key={s} variant={s === 'cancel' || s === 'no-show' ? 'danger' : 'primary'} onPress={() => step(s)}>
            {t(`visit.actions.${s}`)}
          </Button>
        ))}
      </div>
      {/* the call and its conversation first: what a doctor and a patient look at during the visit */}
      <div className={room ? 'visit-live' : undefined}>
        {room && (
          <Failsafe message={t('partFailed')}>
            <Suspense fallback={<p>{t('loading')}</p>}>
              <Room encounterId={e.id!} audioOnly={e.type === 'audio'} closed={closedStatus(e.status)} onStatus={roomStatus} />
            </Suspense>
          </Failsafe>
        )}
        <Failsafe message={t('chat.title')}><Conversation encounterId={e.id!} /></Failsafe>
      </div>
      {/* who runs the visit (its doctor, an administrator) sees what the browsers measured of the call */}
      {room && e.joinLinks?.doctor && e.status !== 'scheduled' && e.status !== 'confirmed' && (
        <Failsafe message={t('partFailed')}><Suspense fallback={null}><CallQuality encounterId={e.id!} refresh={e.status ?? ''} /></Suspense></Failsafe>
      )}
      {room && e.joinLinks?.doctor && e.recordingEnabled && (
        <Failsafe message={t('partFailed')}><Suspense fallback={null}><Recordings encounterId={e.id!} refresh={e.status ?? ''} /></Suspense></Failsafe>
      )}
      {e.roomId && e.joinLinks?.doctor && <p><Link to={`/desk/visits/${e.id}/invitations`}>{t('desk.inv.link')}</Link></p>}
      {/* the report: its doctor writes it once the visit has begun; the patient and the care team read it here */}
      {(e.status === 'in_progress' || e.status === 'completed') && (roles.includes('doctor') || roles.includes('patient') || roles.includes('nurse')) && (
        <p><Link to={`/encounters/${e.id}/report`} data-testid="visit-report">{e.joinLinks?.doctor && roles.includes('doctor') ? t('report.write') : t('report.open')}</Link></p>
      )}
      {roles.includes('patient') && e.status === 'completed' && e.doctorId && (
        <Suspense fallback={null}><ReviewForm encounterId={e.id!} doctorId={e.doctorId} doctorName={e.doctorName ?? ''} /></Suspense>
      )}
      {staff && <>
        <Field label={t('visit.doctorNotes')} name="doctorNotes" value={notes ?? ''} onChange={setNotes} multiline
          error={fieldError(error, 'doctorNotes')} />
        <Button variant="secondary" onPress={saveNotes}>{t('visit.saveNotes')}</Button>
      </>}
      {notice && <Notice>{notice}</Notice>}
      <ErrorNote error={error} />
    </section>
  );
}
