package org.telehub.security.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audit entries as FHIR R4 {@code AuditEvent}s in a {@code searchset} Bundle, for export to a records system or an
 * ATNA repository. Built as plain JSON maps of the R4 structure (the security bundle carries no FHIR library; the
 * test parses the output with HAPI's strict R4 parser). Codes: the event type is DICOM's User Authentication
 * (110114) for {@code auth.*} and FHIR's {@code rest} otherwise; Telehub's own action name is the subtype.
 */
final class FhirAuditEvents {
    static final String MEDIA_TYPE = "application/fhir+json";
    static final String ACTION_SYSTEM = "urn:telehub:audit-action";
    static final String USER_SYSTEM = "urn:telehub:user";
    static final String PATIENT_SYSTEM = "urn:telehub:patient";
    static final String SYSTEM_SYSTEM = "urn:telehub:system";

    private FhirAuditEvents() {
    }

    static Map<String, Object> bundle(List<AuditQuery.Entry> entries) {
        List<Object> items = new ArrayList<>();
        for (AuditQuery.Entry e : entries) {
            items.add(Map.of("resource", event(e)));
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("resourceType", "Bundle");
        b.put("type", "searchset");
        b.put("total", entries.size());
        b.put("entry", items);
        return b;
    }

    static Map<String, Object> event(AuditQuery.Entry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "AuditEvent");
        r.put("id", Long.toString(e.seq()));
        boolean auth = e.action().startsWith("auth.");
        r.put("type", auth ? coding("http://dicom.nema.org/resources/ontology/DCM", "110114", "User Authentication")
                : coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        r.put("subtype", List.of(coding(ACTION_SYSTEM, e.action(), null)));
        r.put("action", action(e.action()));
        r.put("recorded", e.at().toString());
        r.put("outcome", failed(e) ? "4" : "0");
        if (e.outcome() != null) {
            r.put("outcomeDesc", e.outcome());
        }
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("identifier", Map.of("system", USER_SYSTEM, "value", Long.toString(e.actorId())));
        who.put("display", e.actor());
        r.put("agent", List.of(Map.of("who", who, "requestor", true)));
        r.put("source", Map.of("observer", Map.of("display", "Telehub")));
        List<Object> entities = new ArrayList<>();
        if (e.patientId() != null) {
            entities.add(Map.of("what", Map.of("identifier", Map.of("system", PATIENT_SYSTEM, "value",
                    e.patientId())), "type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1",
                            "Person"), "role", coding("http://terminology.hl7.org/CodeSystem/object-role", "1",
                                    "Patient")));
        }
        for (String s : e.systems()) {
            entities.add(Map.of("what", Map.of("identifier", Map.of("system", SYSTEM_SYSTEM, "value", s)), "type",
                    coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object")));
        }
        if (!entities.isEmpty()) {
            r.put("entity", entities);
        }
        return r;
    }

    /** R4's action code (C, R, U, D, E) from Telehub's action name. */
    static String action(String action) {
        String last = action.substring(action.lastIndexOf('.') + 1);
        if (action.startsWith("auth.") || action.equals("audit.verify")) {
            return "E";
        }
        return switch (last) {
            case "read", "list", "search", "find-studies", "find-series", "retrieve", "verify", "export", "anonymised"
                    -> "R";
            case "create", "write", "store" -> "C";
            case "delete" -> "D";
            default -> action.endsWith(".read") ? "R" : "U";
        };
    }

    private static boolean failed(AuditQuery.Entry e) {
        String o = e.outcome() == null ? "" : e.outcome();
        return e.action().endsWith(".failed") || e.action().startsWith("auth.lockout") || o.startsWith("denied")
                || o.startsWith("failed") || o.startsWith("broken");
    }

    private static Map<String, Object> coding(String system, String code, String display) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("system", system);
        c.put("code", code);
        if (display != null) {
            c.put("display", display);
        }
        return c;
    }
}
