package org.telehub.core.encounter.internal.access;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.CareService;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.Sql;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuditLog;
import org.telehub.security.SecondFactorCheck;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.security.Roles;

/**
 * The care-relationship rule ({@link PatientAccess}) over this module's visits, care teams and break-glass grants,
 * and the care team and break-glass themselves ({@link CareService}). One SQL set, {@link #REACHED}, says which
 * patients a clinician reaches, so a single patient, a page and a list filter all ask the same question.
 */
@Component(service = {PatientAccess.class, CareService.class, CareRelationships.class},
        configurationPid = "org.telehub.encounter")
public class CareRelationships implements PatientAccess, CareService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");

    /**
     * The patients the account {@code :who} reaches as a clinician: the doctor of one of their visits, a colleague
     * invited to one (guests and interpreters are there for the conversation, not the record), a care-team member,
     * or an unexpired break-glass grant. Bind {@code who} and {@code now}.
     */
    public static final String REACHED = "SELECT e.patient_id FROM encounter e JOIN encounter_doctor d"
            + " ON d.id = e.doctor_id WHERE d.username = :who"
            + " UNION SELECT e.patient_id FROM encounter e JOIN encounter_participant ep ON ep.encounter_id = e.id"
            + " WHERE ep.username = :who AND ep.kind = 'colleague'"
            + " UNION SELECT patient_id FROM encounter_care_team WHERE username = :who"
            + " UNION SELECT patient_id FROM encounter_break_glass WHERE username = :who AND expires_at > :now";

    private final EncounterDb db;
    private final AuditLog audit;
    private final SecondFactorCheck secondFactors;
    private final Duration breakGlass;

    @Activate
    public CareRelationships(@Reference EncounterDb db, @Reference AuditLog audit,
            @Reference SecondFactorCheck secondFactors, EncounterConfig config) {
        this.db = db;
        this.audit = audit;
        this.secondFactors = secondFactors;
        this.breakGlass = Duration.ofMinutes(config.breakGlassMinutes());
    }

    // ---- PatientAccess

    @Override
    public boolean reaches(AuthenticatedUser user, String patientId) {
        return patientId != null && !reachable(user, List.of(patientId)).isEmpty();
    }

    @Override
    public Set<String> reachable(AuthenticatedUser user, Collection<String> patientIds) {
        Checks.signedIn(user);
        Set<String> ids = new HashSet<>(patientIds);
        ids.remove(null);
        if (ids.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        db.jdbi().useHandle(h -> {
            if (user.hasRole(Roles.EXPORT)) {
                out.addAll(h.createQuery("SELECT id FROM encounter_patient WHERE id IN (<ids>)")
                        .bindList("ids", List.copyOf(ids)).mapTo(String.class).list());
            }
            if (user.hasRole(Roles.PATIENT)) {
                h.createQuery("SELECT id FROM encounter_patient WHERE username = :u").bind("u", user.username())
                        .mapTo(String.class).findOne().filter(ids::contains).ifPresent(out::add);
            }
            if (user.clinician()) {
                out.addAll(h.createQuery("SELECT patient_id FROM (" + REACHED + ") r WHERE patient_id IN (<ids>)")
                        .bind("who", user.username()).bind("now", Sql.ts(Instant.now()))
                        .bindList("ids", List.copyOf(ids)).mapTo(String.class).list());
            }
        });
        return out;
    }

    // ---- care team

    @Override
    public List<CareTeamMember> careTeam(AuthenticatedUser caller, String patientId) {
        Checks.signedIn(caller);
        if (!administers(caller) && !reaches(caller, patientId)) {
            throw new NotFoundException("No patient " + patientId);
        }
        return db.jdbi().withHandle(h -> {
            existing(h, patientId);
            return h.createQuery("SELECT * FROM encounter_care_team WHERE patient_id = :p ORDER BY username")
                    .bind("p", patientId).map((rs, ctx) -> new CareTeamMember(rs.getString("patient_id"),
                            rs.getString("username"), rs.getString("added_by"), Sql.instant(rs, "added_at")))
                    .list();
        });
    }

    @Override
    public CareTeamMember addToCareTeam(AuthenticatedUser caller, String patientId, String username) {
        String member = username(username);
        CareTeamMember m = db.jdbi().inTransaction(h -> {
            mayAssign(h, caller, patientId, member);
            Instant now = Instant.now();
            h.createUpdate("INSERT INTO encounter_care_team (patient_id, username, added_by, added_at)"
                    + " VALUES (:p, :u, :b, :t) ON CONFLICT DO NOTHING").bind("p", patientId).bind("u", member)
                    .bind("b", caller.username()).bind("t", Sql.ts(now)).execute();
            return h.createQuery("SELECT * FROM encounter_care_team WHERE patient_id = :p AND username = :u")
                    .bind("p", patientId).bind("u", member).map((rs, ctx) -> new CareTeamMember(patientId, member,
                            rs.getString("added_by"), Sql.instant(rs, "added_at"))).one();
        });
        audit.record(caller, "patient.care-team.add", patientId, List.of(), "ok: " + member);
        return m;
    }

    @Override
    public boolean removeFromCareTeam(AuthenticatedUser caller, String patientId, String username) {
        String member = username(username);
        boolean removed = db.jdbi().inTransaction(h -> {
            mayAssign(h, caller, patientId, member);
            return h.createUpdate("DELETE FROM encounter_care_team WHERE patient_id = :p AND username = :u")
                    .bind("p", patientId).bind("u", member).execute() > 0;
        });
        audit.record(caller, "patient.care-team.remove", patientId, List.of(), (removed ? "ok: " : "absent: ")
                + member);
        return removed;
    }

    /** Adds to the care team of a patient the registering clinician (they are caring for the patient). */
    public void registeredBy(Handle h, AuthenticatedUser clinician, String patientId) {
        h.createUpdate("INSERT INTO encounter_care_team (patient_id, username, added_by, added_at)"
                + " VALUES (:p, :u, :u, :t) ON CONFLICT DO NOTHING").bind("p", patientId)
                .bind("u", clinician.username()).bind("t", Sql.ts(Instant.now())).execute();
    }

    // ---- break-glass

    @Override
    public BreakGlass breakGlass(AuthenticatedUser caller, String patientId, String reason) {
        return breakGlass(caller, patientId, reason, null);
    }

    /**
     * A clinician who has a second factor confirms break-glass with a current code (a session left open on a ward
     * computer is not enough); a missing or wrong code is refused and audited, before anything is granted.
     */
    @Override
    public BreakGlass breakGlass(AuthenticatedUser caller, String patientId, String reason, String secondFactorCode) {
        Checks.signedIn(caller);
        if (!caller.clinician()) {
            throw new ForbiddenException("Only a doctor or nurse may break the glass");
        }
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw new InvalidException("reason", "Required: why you need this patient's data now (at most 1000"
                    + " characters); it is audited");
        }
        if (secondFactors.enrolled(caller) && !secondFactors.confirm(caller, secondFactorCode,
                "patient.break-glass")) {
            audit.record(caller, "patient.break-glass", patientId, List.of(), "denied: second factor "
                    + (secondFactorCode == null || secondFactorCode.isBlank() ? "missing" : "wrong"));
            throw new ForbiddenException(null, "Break-glass needs a current code of your second factor (totp)",
                    "totp", java.util.Map.of("secondFactor", "totp"));
        }
        Instant now = Instant.now();
        BreakGlass g = new BreakGlass(UUID.randomUUID().toString(), patientId, caller.username(), reason.trim(), now,
                now.plus(breakGlass));
        db.jdbi().useHandle(h -> {
            existing(h, patientId);
            h.createUpdate("INSERT INTO encounter_break_glass (id, patient_id, username, reason, granted_at,"
                    + " expires_at) VALUES (:id, :p, :u, :r, :g, :x)").bind("id", g.id()).bind("p", patientId)
                    .bind("u", g.username()).bind("r", g.reason()).bind("g", Sql.ts(now))
                    .bind("x", Sql.ts(g.expiresAt())).execute();
        });
        audit.record(caller, "patient.break-glass", patientId, List.of(), "until " + g.expiresAt() + ": "
                + g.reason());
        return g;
    }

    // ---- rules

    private static boolean administers(AuthenticatedUser caller) {
        return caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.CLINIC_ADMIN);
    }

    /**
     * Who assigns: the system administrator; a clinic administrator, a doctor member only if their doctor record is
     * of the administrator's clinic (accounts without a doctor record carry no clinic today, so any); the treating
     * doctor (doctor of one of the patient's visits). Others: as if the patient did not exist, unless they reach it.
     */
    private void mayAssign(Handle h, AuthenticatedUser caller, String patientId, String member) {
        Checks.signedIn(caller);
        boolean treating = caller.hasRole(Roles.DOCTOR) && h.createQuery("SELECT COUNT(*) FROM encounter e"
                + " JOIN encounter_doctor d ON d.id = e.doctor_id WHERE e.patient_id = :p AND d.username = :u")
                .bind("p", patientId).bind("u", caller.username()).mapTo(Long.class).one() > 0;
        if (!treating && !administers(caller)) {
            if (reaches(caller, patientId)) {
                throw new ForbiddenException("The care team is assigned by the treating doctor or an administrator");
            }
            throw new NotFoundException("No patient " + patientId);
        }
        existing(h, patientId);
        if (!caller.hasRole(Roles.ADMIN) && !treating) {
            Set<String> clinics = caller.scopes(Roles.CLINIC_ADMIN);
            // the member's doctor record, if any, and its clinic (which may be empty): one read
            List<String> record = h.createQuery("SELECT clinic FROM encounter_doctor WHERE username = :u")
                    .bind("u", member).map((rs, ctx) -> rs.getString(1)).list();
            String clinic = record.isEmpty() ? null : record.get(0);
            if (!record.isEmpty() && (clinic == null || !clinics.contains(clinic))) {
                throw new ForbiddenException("Forbidden", "Doctor '" + member + "' is not of your clinic "
                        + clinics, "username", null);
            }
        }
    }

    private static void existing(Handle h, String patientId) {
        if (h.createQuery("SELECT COUNT(*) FROM encounter_patient WHERE id = :p").bind("p", patientId)
                .mapTo(Long.class).one() == 0) {
            throw new NotFoundException("No patient " + patientId);
        }
    }

    private static String username(String u) {
        String n = u == null ? "" : u.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(n).matches()) {
            throw new InvalidException("username", "The member's Telehub account: 3 to 64 characters, lower-case"
                    + " letters, digits and . _ @ -");
        }
        return n;
    }
}
