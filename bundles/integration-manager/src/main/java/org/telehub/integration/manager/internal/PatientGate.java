package org.telehub.integration.manager.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
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
 */
@Component(service = PatientGate.class)
public class PatientGate {
    private final PatientIdentifiers identifiers;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PatientAccess access;

    @Activate
    public PatientGate(@Reference IntegrationSchema schema) {
        this.identifiers = new PatientIdentifiers(schema.jdbi());
    }

    /** For tests and for a caller that has the rule at hand. */
    PatientGate(PatientIdentifiers identifiers, PatientAccess access) {
        this.identifiers = identifiers;
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
            throw new NotFoundException("No patient " + patientId);
        }
    }

    /** The local patient behind {@code remoteId} in {@code adapterId} that the caller reaches, or 404. */
    public String remote(AuthenticatedUser who, String adapterId, String remoteId) {
        List<String> locals = identifiers.locals(adapterId, remoteId);
        Set<String> reached = locals.isEmpty() ? Set.of() : rule().reachable(who, locals);
        if (reached.isEmpty()) {
            rule(); // absent rule: 503 even for an unmapped id
            throw new NotFoundException("No patient " + remoteId + " in " + adapterId);
        }
        return locals.stream().filter(reached::contains).findFirst().orElseThrow();
    }

    /**
     * Of a system's patient ids (a query's answer), those the caller may see: all of them for the export role,
     * else those mapped to a patient the caller reaches.
     */
    public Set<String> visibleRemote(AuthenticatedUser who, String adapterId, Collection<String> remoteIds) {
        PatientAccess a = rule();
        if (who.hasRole(Roles.EXPORT)) {
            return new HashSet<>(remoteIds);
        }
        Map<String, List<String>> locals = identifiers.locals(adapterId,
                remoteIds.stream().filter(java.util.Objects::nonNull).distinct().toList());
        Set<String> all = new HashSet<>();
        locals.values().forEach(all::addAll);
        Set<String> reached = all.isEmpty() ? Set.of() : a.reachable(who, all);
        Set<String> out = new HashSet<>();
        locals.forEach((r, l) -> {
            if (l.stream().anyMatch(reached::contains)) {
                out.add(r);
            }
        });
        return out;
    }

    /** Of local patient ids, those the caller reaches. */
    public Set<String> reachable(AuthenticatedUser who, Collection<String> patientIds) {
        return patientIds.isEmpty() ? Set.of() : rule().reachable(who, patientIds);
    }
}
