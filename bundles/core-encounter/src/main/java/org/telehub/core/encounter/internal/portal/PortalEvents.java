package org.telehub.core.encounter.internal.portal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.Lifecycle;

/**
 * The webhook event format portals already consume (ids, status and the portal's {@code sessionStatus}, times; no
 * clinical text), and which encounter events become one: booking ({@code encounter.scheduled}), reschedule, and
 * every lifecycle step ({@code encounter.<new status>}). Notes, consent, payment and invitations are not sent.
 */
final class PortalEvents {
    private PortalEvents() {
    }

    /** The webhook type of an encounter event, or null if portals are not told about it. */
    static String type(EncounterEvent e, Encounter current) {
        return switch (e.type()) {
            case BOOKED -> "encounter.scheduled";
            case RESCHEDULED -> "encounter.rescheduled";
            case CONFIRMED, STARTED, COMPLETED, CANCELLED, NO_SHOW -> "encounter." + current.status();
            default -> null;
        };
    }

    static Map<String, Object> body(EncounterEvent event, Encounter e, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", UUID.randomUUID().toString());
        m.put("type", type);
        m.put("occurredAt", event.occurredAt().toString());
        m.put("encounterId", e.id());
        m.put("sessionId", e.id());
        m.put("status", e.status());
        m.put("sessionStatus", Lifecycle.portalStatus(e.status()));
        m.put("previousStatus", event.payload().get("from"));
        m.put("revision", e.revision());
        m.put("encounterType", e.type());
        m.put("doctorId", e.doctorId());
        m.put("patientId", e.patientId());
        m.put("scheduledStart", e.scheduledStart().toString());
        m.put("scheduledEnd", e.scheduledEnd().toString());
        return m;
    }
}
