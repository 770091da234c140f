package org.telehub.integration.manager.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jdbi.v3.core.Jdbi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.security.Roles;

/**
 * The manager's side of the care-relationship rule: every service and resource here asks it before touching a
 * patient's identifiers, records, images or deliveries. The rule itself is {@link PatientAccess} (core-encounter
 * implements it; the manager does not depend on that bundle). While no {@code PatientAccess} is registered every
 * patient call answers 503 (fail closed): an optional dynamic reference, so the manager's other routes (status,
 * connections, deliveries' metadata) stay up.
 *
 * <p>A system's own patient id (an EHR's FHIR id, a PACS's Patient ID) is reached through the identifier
 * cross-reference: it belongs to the local patients mapped to it in that system, and the caller must reach one of
 * them. An id mapped to no patient the caller reaches does not exist for them (404).
 *
 * <p>Refusals are audited ({@code patient.access.denied}: a clinician probing for patients outside their care is
 * what a privacy officer looks for), and so is each patient a query answer discloses
 * ({@link #recordDisclosed}), one row per patient, so the trail answers "who saw this patient" for bulk reads too.
 */
@Component(service = PatientGate.class)
public class PatientGate {
    private final Jdbi jdbi;
    private final PatientIdentifiers identifiers;
    private final AuditLog audit;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PatientAccess access;

    @Activate
    public PatientGate(@Reference IntegrationSchema schema, @Reference AuditLog audit) {
        this(schema.jdbi(), audit, null);
    }

    /** For tests and for a caller that has the rule at hand. */
    PatientGate(Jdbi jdbi, AuditLog audit, PatientAccess access) {
        this.jdbi = jdbi;
        this.identifiers = new PatientIdentifiers(jdbi);
        this.audit = audit;
        this.access = access;
    }

    private PatientAccess rule() {
        PatientAccess a = access;
        if (a == null) {
            throw new UnavailableException("Patient access cannot be decided now (the encounter module that keeps"
                    + " care relationships is not running); try again shortly");
        }
        return a;
    }

    /** The caller reaches the local patient, or it does not exist for them. */
    public void local(AuthenticatedUser who, String patientId) {
        if (!rule().reaches(who, patientId)) {
            audit.record(who, "patient.access.denied", patientId, List.of(), "no care relationship");
            throw new NotFoundException("No patient " + patientId);
        }
    }

    /** The local patient behind {@code remoteId} in {@code adapterId} that the caller reaches, or 404. */
    public String remote(AuthenticatedUser who, String adapterId, String remoteId) {
        List<String> locals = identifiers.locals(adapterId, remoteId);
        Set<String> reached = locals.isEmpty() ? Set.of() : rule().reachable(who, locals);
        if (reached.isEmpty()) {
            rule(); // absent rule: 503 even for an unmapped id
            audit.record(who, "patient.access.denied", locals.isEmpty() ? null : locals.get(0), List.of(adapterId),
                    locals.isEmpty() ? "system patient id mapped to no patient" : "no care relationship");
            throw new NotFoundException("No patient " + remoteId + " in " + adapterId);
        }
        return locals.stream().filter(reached::contains).findFirst().orElseThrow();
    }

    /**
     * Of a system's patient ids (a query's answer), those the caller may see: all of them for the export role,
     * else those mapped to a patient the caller reaches.
     */
    public Set<String> visibleRemote(AuthenticatedUser who, String adapterId, Collection<String> remoteIds) {
        return shown(who, adapterId, remoteIds).keySet();
    }

    /**
     * As {@link #visibleRemote}, with the local patients each visible id stands for (the ones the caller reaches;
     * every mapped one for the export role; none for an id mapped to nobody), to audit what was disclosed.
     */
    public Map<String, Set<String>> shown(AuthenticatedUser who, String adapterId, Collection<String> remoteIds) {
        PatientAccess a = rule();
        if (who.hasRole(Roles.EXPORT)) {
            return every(adapterId, remoteIds);
        }
        Map<String, List<String>> locals = mapped(adapterId, remoteIds);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Set<String> all = new HashSet<>();
        locals.values().forEach(all::addAll);
        Set<String> reached = all.isEmpty() ? Set.of() : a.reachable(who, all);
        locals.forEach((r, l) -> {
            Set<String> mine = new TreeSet<>(l);
            mine.retainAll(reached);
            if (!mine.isEmpty()) {
                out.put(r, mine);
            }
        });
        return out;
    }

    /**
     * Every one of a system's patient ids with the local patients it is mapped to (none for an id mapped to
     * nobody): what an answer shown unfiltered discloses (the export role's, an exact identifier search).
     */
    public Map<String, Set<String>> every(String adapterId, Collection<String> remoteIds) {
        Map<String, List<String>> locals = mapped(adapterId, remoteIds);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        remoteIds.stream().filter(java.util.Objects::nonNull).distinct()
                .forEach(r -> out.put(r, new TreeSet<>(locals.getOrDefault(r, List.of()))));
        return out;
    }

    /** The local patients each of a system's patient ids is mapped to (ids mapped to nobody are absent). */
    private Map<String, List<String>> mapped(String adapterId, Collection<String> remoteIds) {
        return identifiers.locals(adapterId, remoteIds.stream().filter(java.util.Objects::nonNull).distinct()
                .toList());
    }

    /**
     * Audits a query answer patient by patient, in one transaction: a row per local patient disclosed, and for a
     * system patient id mapped to no local patient (the export role's answers, an exact identifier search) a row
     * naming that id. With nothing disclosed, one row saying so.
     */
    public void recordDisclosed(AuthenticatedUser who, String action, String adapterId,
            Map<String, Set<String>> shown) {
        if (shown.isEmpty()) {
            audit.record(who, action, null, List.of(adapterId), "0 patients");
            return;
        }
        Set<String> patients = new TreeSet<>();
        List<String> unmapped = new java.util.ArrayList<>();
        shown.forEach((remote, locals) -> {
            if (locals.isEmpty()) {
                unmapped.add(remote);
            } else {
                patients.addAll(locals);
            }
        });
        jdbi.useTransaction(h -> {
            for (String p : patients) {
                audit.record(h, who, action, p, List.of(adapterId), "disclosed");
            }
            for (String r : unmapped) {
                audit.record(h, who, action, null, List.of(adapterId), "disclosed system patient " + r);
            }
        });
    }

    /** Of local patient ids, those the caller reaches. */
    public Set<String> reachable(AuthenticatedUser who, Collection<String> patientIds) {
        return patientIds.isEmpty() ? Set.of() : rule().reachable(who, patientIds);
    }
}
