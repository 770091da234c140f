package org.telehub.rest.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.telehub.rest.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What a client is told for each way a JSON body can be wrong, with the mapper the API really uses. */
class JsonProblemsTest {
    enum Kind {
        VIDEO, AUDIO
    }

    record Address(String city, int zip) {
    }

    record Visit(String patient, Kind kind, Instant at, List<String> tags, Address address, int minutes) {
        Visit {
            if (minutes > 480) {
                throw new IllegalArgumentException("minutes: a visit lasts at most 480 minutes");
            }
        }
    }

    private final ObjectMapper mapper = Json.mapper();

    private ProblemException problem(String json) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> mapper.readValue(json, Visit.class));
        return JsonProblems.of(e);
    }

    @Test
    void deeplyNestedJsonIsRefusedBeforeItCanExhaustTheStack() {
        // CVE-2025-52999 is unbounded nesting; Jackson 2.14.1 with the old mapper parsed this (and a million levels)
        String deep = "[".repeat(50_000) + "]".repeat(50_000);
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> mapper.readValue(deep, Object.class));
        ProblemException p = JsonProblems.of(e);
        assertEquals(400, p.status());
        assertTrue(p.detail().contains("nesting depth"), p.detail());
        // up to the limit is fine
        String fine = "[".repeat(Json.MAX_NESTING) + "]".repeat(Json.MAX_NESTING);
        assertDoesNotThrow(() -> mapper.readValue(fine, Object.class));
    }

    @Test
    void malformedJsonSaysWhere() {
        ProblemException p = problem("{\"patient\": \"p1\",\n \"kind\": }");
        assertEquals(400, p.status());
        assertTrue(p.detail().startsWith("Malformed JSON at line 2, column"), p.detail());
    }

    @Test
    void wrongTypesNameTheNestedField() {
        assertEquals("address.zip", problem("{\"address\": {\"city\": \"Tabriz\", \"zip\": \"abc\"}}").field());
        assertEquals("tags", problem("{\"tags\": {\"a\": 1}}").field());
        ProblemException kind = problem("{\"kind\": \"HOLOGRAM\"}");
        assertEquals("kind", kind.field());
        assertTrue(kind.detail().contains("[VIDEO, AUDIO]"), kind.detail());
        assertEquals("at", problem("{\"at\": \"yesterday\"}").field());
        assertEquals("minutes", problem("{\"minutes\": null}").field());
    }

    @Test
    void unknownFieldsAreNamedWithTheKnownOnes() {
        ProblemException p = problem("{\"patinet\": \"p1\", \"minutes\": 30}");
        assertEquals("patinet", p.field());
        assertTrue(p.detail().contains("known fields: address, at, kind, minutes, patient, tags"), p.detail());
    }

    @Test
    void aRecordsOwnValidationIsPassedOn() {
        ProblemException p = problem("{\"minutes\": 900}");
        assertEquals(400, p.status());
        assertTrue(p.detail().contains("at most 480 minutes"), p.detail());
    }

    @Test
    void trailingGarbageIsRefused() {
        assertEquals(400, problem("{\"patient\": \"p1\"} {}").status());
    }

    @Test
    void anOversizedBodyStays413WhenJacksonWrapsIt() throws IOException {
        byte[] body = ("{\"patient\": \"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        BodyLimitFilter.Limited in = new BodyLimitFilter.Limited(new ByteArrayInputStream(body), 1024);
        ProblemException p;
        try {
            mapper.readValue(in, Visit.class);
            throw new AssertionError("the limit was not enforced");
        } catch (ProblemException direct) {
            p = direct;
        } catch (JsonProcessingException wrapped) {
            p = JsonProblems.of(wrapped);
        }
        assertEquals(413, p.status());
        assertEquals("The request body exceeds the limit of 1024 bytes", p.detail());
    }
}
