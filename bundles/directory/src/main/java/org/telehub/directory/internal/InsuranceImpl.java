package org.telehub.directory.internal;

import static org.telehub.directory.internal.Access.administrator;
import static org.telehub.directory.internal.Access.clinicAdminOf;
import static org.telehub.directory.internal.Access.reader;
import static org.telehub.directory.internal.Checks.unique;
import static org.telehub.directory.internal.Checks.required;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.directory.Directory;
import org.telehub.directory.Insurance;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.persistence.Database;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Insurance on {@code directory_insurer}, {@code _plan}, {@code _coverage}, {@code _doctor_plan} and
 * {@code _clinic_plan}. A patient's coverage is PHI: reading and changing it is audited.
 */
@Component(service = Insurance.class)
public class InsuranceImpl implements Insurance {
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public InsuranceImpl(@Reference Database database, @Reference Directory directory, @Reference AuditLog audit) {
        this(database.jdbi(), audit, Clock.systemUTC());
    }

    InsuranceImpl(Jdbi jdbi, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
    }

    private LocalDate today() {
        return clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
    }

    // ---- shared with the directory's profiles

    /** The plans each doctor accepts: their own and their clinics'. */
    static Map<String, List<PlanRef>> acceptedPlans(Handle h, List<String> doctorIds) {
        Map<String, List<PlanRef>> out = new LinkedHashMap<>();
        if (doctorIds.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT x.doctor_id, pl.id, i.name AS insurer, pl.name FROM (SELECT doctor_id, plan_id FROM"
                + " directory_doctor_plan WHERE doctor_id IN (<ids>) UNION SELECT m.doctor_id, cp.plan_id FROM"
                + " directory_clinic_doctor m JOIN directory_clinic_plan cp ON cp.clinic_id = m.clinic_id WHERE"
                + " m.doctor_id IN (<ids>)) x JOIN directory_plan pl ON pl.id = x.plan_id JOIN directory_insurer i ON"
                + " i.id = pl.insurer_id ORDER BY i.name, pl.name").bindList("ids", doctorIds).mapToMap()
                .forEach(m -> out.computeIfAbsent((String) m.get("doctor_id"), k -> new ArrayList<>()).add(
                        new PlanRef((String) m.get("id"), (String) m.get("insurer"), (String) m.get("name"))));
        return out;
    }

    /** The plans of a patient's coverage valid on {@code day}. */
    static Set<String> validPlans(Handle h, String patientId, LocalDate day) {
        return new LinkedHashSet<>(h.createQuery("SELECT plan_id FROM directory_coverage WHERE patient_id = :p AND"
                + " valid_from <= :d AND (valid_to IS NULL OR valid_to >= :d)").bind("p", patientId).bind("d", day)
                .mapTo(String.class).list());
    }

    // ---- organisations and plans

    @Override
    public List<Insurer> insurers(AuthenticatedUser caller) {
        reader(caller);
        return jdbi.withHandle(h -> {
            Map<String, Insurer> out = new LinkedHashMap<>();
            h.createQuery("SELECT id, name FROM directory_insurer ORDER BY name").mapToMap().forEach(m -> out.put(
                    (String) m.get("id"), new Insurer((String) m.get("id"), (String) m.get("name"),
                            new ArrayList<>())));
            h.createQuery("SELECT id, insurer_id, name FROM directory_plan ORDER BY name").mapToMap().forEach(m -> {
                Insurer i = out.get((String) m.get("insurer_id"));
                if (i != null) {
                    i.plans().add(new Plan((String) m.get("id"), i.id(), (String) m.get("name")));
                }
            });
            return List.copyOf(out.values());
        });
    }

    @Override
    public Insurer createInsurer(AuthenticatedUser caller, String name) {
        administrator(caller, "keeps the list of insurers");
        String n = required("name", name, 200);
        String id = UUID.randomUUID().toString();
        unique(() -> {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO directory_insurer (id, name, created_at) VALUES (:id,"
                    + " :n, :at)").bind("id", id).bind("n", n).bind("at", clock.instant()).execute());
        }, () -> new ConflictException("Insurer exists", "An insurer is already named " + n, "name", Map.of()));
        return new Insurer(id, n, List.of());
    }

    @Override
    public Plan addPlan(AuthenticatedUser caller, String insurerId, String name) {
        administrator(caller, "keeps the list of insurance plans");
        String n = required("name", name, 200);
        String id = UUID.randomUUID().toString();
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT count(*) FROM directory_insurer WHERE id = :i").bind("i", insurerId)
                    .mapTo(Integer.class).one() == 0) {
                throw new NotFoundException("No insurer " + insurerId);
            }
            unique(() -> {
                h.createUpdate("INSERT INTO directory_plan (id, insurer_id, name, created_at) VALUES (:id, :i, :n,"
                        + " :at)").bind("id", id).bind("i", insurerId).bind("n", n).bind("at", clock.instant())
                        .execute();
            }, () -> new ConflictException("Plan exists", "This insurer already has a plan named " + n, "name",
                            Map.of()));
            return new Plan(id, insurerId, n);
        });
    }

    /** The plans named, each known (422 naming the unknown one), without repeats. */
    private static List<String> knownPlans(Handle h, List<String> planIds) {
        if (planIds == null) {
            throw new InvalidException("planIds", "Required: a list (empty for none)");
        }
        List<String> ids = planIds.stream().distinct().toList();
        if (ids.isEmpty()) {
            return ids;
        }
        Set<String> known = Set.copyOf(h.createQuery("SELECT id FROM directory_plan WHERE id IN (<ids>)")
                .bindList("ids", ids).mapTo(String.class).list());
        for (String id : ids) {
            if (!known.contains(id)) {
                throw new UnprocessableException("planIds", "No insurance plan " + id);
            }
        }
        return ids;
    }

    private static List<PlanRef> planRefs(Handle h, String table, String column, String id) {
        return h.createQuery("SELECT pl.id, i.name AS insurer, pl.name FROM " + table + " x JOIN directory_plan pl ON"
                + " pl.id = x.plan_id JOIN directory_insurer i ON i.id = pl.insurer_id WHERE x." + column + " = :id"
                + " ORDER BY i.name, pl.name").bind("id", id).map((rs, c) -> new PlanRef(rs.getString("id"),
                        rs.getString("insurer"), rs.getString("name"))).list();
    }

    @Override
    public List<PlanRef> doctorPlans(AuthenticatedUser caller, String doctorId) {
        reader(caller);
        return jdbi.withHandle(h -> {
            if (h.createQuery("SELECT count(*) FROM directory_profile WHERE doctor_id = :d").bind("d", doctorId)
                    .mapTo(Integer.class).one() == 0) {
                throw new NotFoundException("No doctor " + doctorId);
            }
            return planRefs(h, "directory_doctor_plan", "doctor_id", doctorId);
        });
    }

    @Override
    public List<PlanRef> setDoctorPlans(AuthenticatedUser caller, String doctorId, List<String> planIds) {
        reader(caller);
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT count(*) FROM directory_profile WHERE doctor_id = :d").bind("d", doctorId)
                    .mapTo(Integer.class).one() == 0) {
                throw new NotFoundException("No doctor " + doctorId);
            }
            if (!Access.mayEdit(h, caller, doctorId)) {
                throw new ForbiddenException("Only the doctor, their clinic's administrator or an administrator"
                        + " changes the plans the doctor accepts");
            }
            List<String> ids = knownPlans(h, planIds);
            h.createUpdate("DELETE FROM directory_doctor_plan WHERE doctor_id = :d").bind("d", doctorId).execute();
            var batch = h.prepareBatch("INSERT INTO directory_doctor_plan (doctor_id, plan_id) VALUES (:d, :p)");
            ids.forEach(p -> batch.bind("d", doctorId).bind("p", p).add());
            if (!ids.isEmpty()) {
                batch.execute();
            }
            return planRefs(h, "directory_doctor_plan", "doctor_id", doctorId);
        });
    }

    private static String clinicName(Handle h, String clinicId) {
        return h.createQuery("SELECT name FROM directory_clinic WHERE id = :c").bind("c", clinicId)
                .mapTo(String.class).findOne().orElseThrow(() -> new NotFoundException("No clinic " + clinicId));
    }

    @Override
    public List<PlanRef> clinicPlans(AuthenticatedUser caller, String clinicId) {
        reader(caller);
        return jdbi.withHandle(h -> {
            clinicName(h, clinicId);
            return planRefs(h, "directory_clinic_plan", "clinic_id", clinicId);
        });
    }

    @Override
    public List<PlanRef> setClinicPlans(AuthenticatedUser caller, String clinicId, List<String> planIds) {
        reader(caller);
        return jdbi.inTransaction(h -> {
            String name = clinicName(h, clinicId);
            if (!caller.hasRole(Roles.ADMIN) && !clinicAdminOf(caller, name)) {
                throw new ForbiddenException("Only an administrator or the clinic's administrator changes the plans"
                        + " the clinic accepts");
            }
            List<String> ids = knownPlans(h, planIds);
            h.createUpdate("DELETE FROM directory_clinic_plan WHERE clinic_id = :c").bind("c", clinicId).execute();
            var batch = h.prepareBatch("INSERT INTO directory_clinic_plan (clinic_id, plan_id) VALUES (:c, :p)");
            ids.forEach(p -> batch.bind("c", clinicId).bind("p", p).add());
            if (!ids.isEmpty()) {
                batch.execute();
            }
            return planRefs(h, "directory_clinic_plan", "clinic_id", clinicId);
        });
    }

    // ---- a patient's coverage

    /** The patient whose coverage the caller may see and change: their own, or any for an administrator. */
    private static String patientFor(Handle h, AuthenticatedUser caller, String patientId) {
        reader(caller);
        String own = Access.ownPatientId(h, caller);
        if (patientId == null || patientId.equals(own)) {
            if (own == null) {
                throw new ForbiddenException("Only a patient has coverage of their own: name the patient");
            }
            return own;
        }
        if (!caller.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only the patient themselves or an administrator sees a patient's"
                    + " insurance");
        }
        if (h.createQuery("SELECT count(*) FROM encounter_patient WHERE id = :p").bind("p", patientId)
                .mapTo(Integer.class).one() == 0) {
            throw new NotFoundException("No patient " + patientId);
        }
        return patientId;
    }

    private List<Coverage> coverageOf(Handle h, String patient) {
        LocalDate today = today();
        return h.createQuery("SELECT c.id, c.patient_id, c.member_id, c.valid_from, c.valid_to, pl.id AS plan_id,"
                + " pl.name AS plan_name, i.name AS insurer FROM directory_coverage c JOIN directory_plan pl ON pl.id ="
                + " c.plan_id JOIN directory_insurer i ON i.id = pl.insurer_id WHERE c.patient_id = :p ORDER BY"
                + " c.valid_from DESC, c.created_at DESC").bind("p", patient).map((rs, x) -> {
                    LocalDate from = rs.getObject("valid_from", LocalDate.class);
                    LocalDate to = rs.getObject("valid_to", LocalDate.class);
                    return new Coverage(rs.getString("id"), rs.getString("patient_id"), new PlanRef(
                            rs.getString("plan_id"), rs.getString("insurer"), rs.getString("plan_name")),
                            rs.getString("member_id"), from, to, !from.isAfter(today) && (to == null
                                    || !to.isBefore(today)));
                }).list();
    }

    @Override
    public List<Coverage> coverage(AuthenticatedUser caller, String patientId) {
        return jdbi.inTransaction(h -> {
            String patient = patientFor(h, caller, patientId);
            audit.record(h, caller, "directory.coverage.read", patient, List.of(), "ok");
            return coverageOf(h, patient);
        });
    }

    @Override
    public Coverage addCoverage(AuthenticatedUser caller, String patientId, CoverageInput in) {
        if (in == null) {
            throw new InvalidException("body", "Required: planId, memberId, validFrom and optionally validTo");
        }
        String member = required("memberId", in.memberId(), 64);
        if (in.validFrom() == null) {
            throw new InvalidException("validFrom", "Required: the first day the coverage is valid (YYYY-MM-DD)");
        }
        if (in.validTo() != null && in.validTo().isBefore(in.validFrom())) {
            throw new InvalidException("validTo", "Before validFrom");
        }
        String id = UUID.randomUUID().toString();
        return jdbi.inTransaction(h -> {
            String patient = patientFor(h, caller, patientId);
            String plan = required("planId", in.planId(), 36);
            if (h.createQuery("SELECT count(*) FROM directory_plan WHERE id = :p").bind("p", plan)
                    .mapTo(Integer.class).one() == 0) {
                throw new UnprocessableException("planId", "No insurance plan " + plan);
            }
            unique(() -> {
                h.createUpdate("INSERT INTO directory_coverage (id, patient_id, plan_id, member_id, valid_from,"
                        + " valid_to, created_at) VALUES (:id, :p, :plan, :m, :from, :to, :at)").bind("id", id)
                        .bind("p", patient).bind("plan", plan).bind("m", member).bind("from", in.validFrom())
                        .bind("to", in.validTo()).bind("at", clock.instant()).execute();
            }, () -> new ConflictException("Coverage exists", "This member id of this plan is already"
                            + " recorded", "memberId", Map.of()));
            audit.record(h, caller, "directory.coverage.add", patient, List.of(), "ok");
            return coverageOf(h, patient).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        });
    }

    @Override
    public void removeCoverage(AuthenticatedUser caller, String coverageId) {
        reader(caller);
        jdbi.useTransaction(h -> {
            String patient = h.createQuery("SELECT patient_id FROM directory_coverage WHERE id = :id FOR UPDATE")
                    .bind("id", coverageId).mapTo(String.class).findOne()
                    .orElseThrow(() -> new NotFoundException("No coverage " + coverageId));
            try {
                patientFor(h, caller, patient);
            } catch (ForbiddenException e) {
                // another patient's coverage: as absent as one that does not exist
                throw new NotFoundException("No coverage " + coverageId);
            }
            h.createUpdate("DELETE FROM directory_coverage WHERE id = :id").bind("id", coverageId).execute();
            audit.record(h, caller, "directory.coverage.remove", patient, List.of(), "ok");
        });
    }
}
