package org.telehub.core.encounter.internal.event;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The {@code encounter_event} table: appended on the change's handle, so the event commits or rolls back with it. */
public final class EventLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private EventLog() {
    }

    /** Appends one event in the handle's transaction and returns it with its sequence. */
    public static EncounterEvent append(Handle h, String encounterId, EncounterEventType type, Instant occurredAt,
            String actor, Map<String, Object> payload) {
        EncounterEvent e = new EncounterEvent(0, encounterId, type, occurredAt, actor, payload);
        String json;
        try {
            json = JSON.writeValueAsString(e.payload());
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("event payload", x);
        }
        long sequence = h.createUpdate("INSERT INTO encounter_event (encounter_id, type, occurred_at, actor, payload)"
                + " VALUES (:e, :t, :at, :by, CAST(:p AS JSONB))").bind("e", encounterId).bind("t", type.name())
                .bind("at", ts(occurredAt)).bind("by", actor).bind("p", json)
                .executeAndReturnGeneratedKeys("sequence").mapTo(Long.class).one();
        return new EncounterEvent(sequence, encounterId, type, occurredAt, actor, e.payload());
    }

    /** The events of one encounter in sequence order. */
    public static List<EncounterEvent> of(Handle h, String encounterId) {
        return h.createQuery("SELECT sequence, encounter_id, type, occurred_at, actor, payload::text FROM"
                + " encounter_event WHERE encounter_id = :e ORDER BY sequence").bind("e", encounterId)
                .map((rs, ctx) -> {
                    try {
                        return new EncounterEvent(rs.getLong(1), rs.getString(2),
                                EncounterEventType.valueOf(rs.getString(3)), instant(rs, 4), rs.getString(5),
                                JSON.readValue(rs.getString(6), MAP));
                    } catch (JsonProcessingException x) {
                        throw new IllegalStateException("stored event payload", x);
                    }
                }).list();
    }
}
