package org.telehub.core.encounter.internal.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An event as a work item's payload: the whole event, so a subscriber needs no read of {@code encounter_event}. */
public final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private EventJson() {
    }

    public static String write(EncounterEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence", e.sequence());
        m.put("encounterId", e.encounterId());
        m.put("type", e.type().name());
        m.put("occurredAt", e.occurredAt().toString());
        m.put("actor", e.actor());
        m.put("payload", e.payload());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("event payload", x);
        }
    }

    @SuppressWarnings("unchecked")
    public static EncounterEvent read(String json) {
        try {
            Map<String, Object> m = JSON.readValue(json, MAP);
            return new EncounterEvent(((Number) m.get("sequence")).longValue(), (String) m.get("encounterId"),
                    EncounterEventType.valueOf((String) m.get("type")), Instant.parse((String) m.get("occurredAt")),
                    (String) m.get("actor"), (Map<String, Object>) m.get("payload"));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("stored event", x);
        }
    }
}
