package org.telehub.chat.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.domain.NotFoundException;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;

/**
 * What chat's tests stand on: a fresh PostgreSQL database with chat's migrations (skipped without
 * {@code -Dtelehub.test.pg.url}), and fakes of what other bundles decide — which visit each caller sees, which patient
 * each reaches, the audit log (as lines), the clock.
 */
final class ChatFixture {
    static final String VISIT = "enc-1";
    static final String PATIENT = "pat-1";
    static final AuthenticatedUser AMY = new AuthenticatedUser(1, "amy", "Amy Pond", Set.of("patient"));
    static final AuthenticatedUser HOUSE = new AuthenticatedUser(2, "dr.house", "Dr House", Set.of("doctor"));
    static final AuthenticatedUser RORY = new AuthenticatedUser(3, "rory", "Rory", Set.of("patient"));
    static final AuthenticatedUser ADMIN = new AuthenticatedUser(4, "admin", "Admin", Set.of("admin"));
    static final AuthenticatedUser DESK = new AuthenticatedUser(5, "desk", "Desk", Set.of("front-desk"));
    static final AuthenticatedUser GUEST = new AuthenticatedUser(6, "visit:p-9", "Guest", Set.of("guest:" + VISIT));
    static final AuthenticatedUser OTHER_GUEST = new AuthenticatedUser(7, "visit:p-8", "Guest",
            Set.of("guest:enc-2"));

    final Map<String, EncounterDetails> visits = new HashMap<>();
    /** "user action patient outcome", in order. */
    final List<String> audits = Collections.synchronizedList(new ArrayList<>());
    Instant now = Instant.parse("2026-12-03T10:00:00Z");
    final Jdbi jdbi;
    final EncounterService encounters;
    final PatientAccess access;
    final AuditLog audit;
    final Clock clock;
    /** Work items submitted, in order. */
    final List<org.telehub.work.WorkRequest> submitted = Collections.synchronizedList(new ArrayList<>());
    final org.telehub.work.WorkService work = (org.telehub.work.WorkService) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {org.telehub.work.WorkService.class}, (p, m, args) -> {
                if (!m.getName().equals("submit")) {
                    throw new UnsupportedOperationException(m.getName());
                }
                submitted.add((org.telehub.work.WorkRequest) args[1]);
                return "work-" + submitted.size();
            });
    /** unreadNoticeAfter in {@link #config}. */
    static String noticeAfter = "PT15M";

    ChatFixture() throws Exception {
        jdbi = Jdbi.create(TestDatabases.postgres());
        for (String m : new String[] {"V1__conversations.sql", "V2__attachments.sql", "V3__reads.sql", "V4__notices.sql",
            "V5__changes.sql", "V6__direct.sql", "V7__uploads.sql"}) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/chat/" + m)) {
                String sql = new String(in.readAllBytes(), UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        visits.put(VISIT, visit(VISIT, EncounterService.SCHEDULED, null));
        encounters = (EncounterService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EncounterService.class}, (p, m, args) -> {
                    if (m.getName().equals("visible")) { // not audited, as the real one
                        AuthenticatedUser caller = (AuthenticatedUser) args[0];
                        return ((java.util.Collection<?>) args[1]).stream().map(String.class::cast)
                                .filter(id -> visits.containsKey(id) && caller != RORY && caller != OTHER_GUEST)
                                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
                    }
                    if (m.getName().equals("states")) { // not audited, as the real one
                        AuthenticatedUser caller = (AuthenticatedUser) args[0];
                        Map<String, EncounterService.VisitState> out = new java.util.LinkedHashMap<>();
                        for (Object id : (java.util.Collection<?>) args[1]) {
                            EncounterDetails e = visits.get((String) id);
                            if (e != null && caller != RORY && caller != OTHER_GUEST) {
                                out.put(e.id(), new EncounterService.VisitState(e.id(), e.patientId(), e.status(),
                                        e.actualEnd(), e.updatedAt()));
                            }
                        }
                        return out;
                    }
                    if (!m.getName().equals("get")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    AuthenticatedUser caller = (AuthenticatedUser) args[0];
                    EncounterDetails e = visits.get((String) args[1]);
                    // as the encounter service: another patient, or a guest of another visit, does not see it; every
                    // read is audited, as the real one does
                    if (e == null || caller == RORY || caller == OTHER_GUEST) {
                        audits.add(caller.username() + " encounter.read " + (e == null ? "-" : e.patientId())
                                + " denied");
                        throw new NotFoundException("No encounter " + args[1]);
                    }
                    audits.add(caller.username() + " encounter.read " + e.patientId() + " ok");
                    return e;
                });
        access = new PatientAccess() {
            @Override
            public boolean reaches(AuthenticatedUser user, String patientId) {
                return PATIENT.equals(patientId) && (user == AMY || user == HOUSE);
            }

            @Override
            public Set<String> reachable(AuthenticatedUser user, Collection<String> ids) {
                return ids.stream().filter(i -> reaches(user, i)).collect(Collectors.toSet());
            }
        };
        audit = new AuditLog() {
            @Override
            public void record(Handle tx, AuthenticatedUser actor, String action, String patientId,
                    Collection<String> systems, String outcome) {
                audits.add(actor.username() + " " + action + " " + patientId + " " + outcome);
            }

            @Override
            public void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
                    String outcome) {
                audits.add(actor.username() + " " + action + " " + patientId + " " + outcome);
            }
        };
        clock = new Clock() {
            @Override
            public Instant instant() {
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    Membership membership() {
        return new Membership(new ChatSchema(jdbi), encounters, access, audit, clock);
    }

    long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    static EncounterDetails visit(String id, String status, Instant ended) {
        Instant start = Instant.parse("2026-12-03T09:00:00Z");
        return new EncounterDetails(id, "video", status, List.of(), "doc-1", "Dr House", PATIENT, "Amy Pond", start,
                start.plusSeconds(1800), 30, "UTC", ended == null ? null : start, ended, null, null, null, List.of(),
                false, null, null, null, false, null, null, Map.of(), null, 1, "desk", start, ended == null ? start : ended);
    }

    /** Chat's settings: the defaults, with the read-only hours, longest text and largest file given. */
    static ChatConfig config(int hours, int maxText, int maxFileMegabytes) {
        return new ChatConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ChatConfig.class;
            }

            @Override
            public int readOnlyAfterHours() {
                return hours;
            }

            @Override
            public int maxTextLength() {
                return maxText;
            }

            @Override
            public int maxFileMegabytes() {
                return maxFileMegabytes;
            }

            @Override
            public String[] allowedTypes() {
                try {
                    return (String[]) ChatConfig.class.getMethod("allowedTypes").getDefaultValue();
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public int linkSeconds() {
                return 300;
            }

            @Override
            public String unreadNoticeAfter() {
                return noticeAfter;
            }

            @Override
            public String noticeLanguage() {
                return "en";
            }

            @Override
            public int editMinutes() {
                return 1440;
            }
        };
    }
}
