package org.telehub.core.encounter.internal.portal;

import java.nio.charset.StandardCharsets;
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
    static String type(EncounterEvent e) {
        return switch (e.type()) {
            case BOOKED -> "encounter.scheduled";
            case RESCHEDULED -> "encounter.rescheduled";
            case CONFIRMED, STARTED, COMPLETED, CANCELLED, NO_SHOW -> "encounter." + e.payload().get("to");
            default -> null;
        };
    }

    /**
     * The body: status, revision and (for bookings and reschedules) times as the event has them; the stable fields
     * (type, doctor, patient) and a lifecycle step's times from the encounter as read now. The id is derived from
     * the event's sequence, so an event handed twice is one portal event ({@code X-Telehub-Event-Id}).
     */
    static Map<String, Object> body(EncounterEvent event, String type, Encounter e) {
        Map<String, Object> p = event.payload();
        String status = switch (event.type()) {
            case BOOKED -> String.valueOf(p.get("status"));
            case RESCHEDULED -> org.telehub.core.encounter.EncounterService.SCHEDULED;
            default -> String.valueOf(p.get("to"));
        };
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", UUID.nameUUIDFromBytes(("encounter-event:" + event.sequence()).getBytes(StandardCharsets.UTF_8))
                .toString());
        m.put("type", type);
        m.put("occurredAt", event.occurredAt().toString());
        m.put("encounterId", e.id());
        m.put("sessionId", e.id());
        m.put("status", status);
        m.put("sessionStatus", Lifecycle.portalStatus(status));
        m.put("previousStatus", p.get("from"));
        m.put("revision", p.get("revision"));
        m.put("encounterType", e.type());
        m.put("doctorId", e.doctorId());
        m.put("patientId", e.patientId());
        m.put("scheduledStart", p.containsKey("scheduledStart") ? p.get("scheduledStart") : e.scheduledStart().toString());
        m.put("scheduledEnd", p.containsKey("scheduledEnd") ? p.get("scheduledEnd") : e.scheduledEnd().toString());
        return m;
    }
}
