package org.telehub.realtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;

import com.fasterxml.jackson.databind.JsonNode;

/** Protocol 1's frames, the REST statuses of domain failures, close reasons and the rate limit's bucket. */
class FramesTest {

    @Test
    void eventsAndErrorsAreVersionedJsonWithTheRestApisMembers() throws Exception {
        JsonNode ack = Frames.JSON.readTree(Frames.event("ack", "c-1", null, Map.of("at", Instant.parse(
                "2026-12-03T10:00:00Z"))));
        assertEquals(1, ack.get("v").asInt());
        assertEquals("c-1", ack.get("re").asText());
        assertEquals("2026-12-03T10:00:00Z", ack.path("data").path("at").asText(), "instants as ISO text");
        assertFalse(ack.has("topic"));

        JsonNode e = Frames.JSON.readTree(Frames.error("c-2", new InvalidException("text", "Required")));
        assertEquals("error", e.get("type").asText());
        assertEquals(400, e.path("error").path("status").asInt());
        assertEquals("text", e.path("error").path("field").asText());
        assertEquals("Required", e.path("error").path("detail").asText());
        assertEquals(404, new NotFoundException("No encounter x").status());
        assertEquals(403, new ForbiddenException("no").status());
        assertEquals(409, new ConflictException("closed").status());
    }

    @Test
    void aCloseReasonFitsTheCloseFrame() {
        String reason = Connection.cut("Too slow: " + "é".repeat(200));
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.endsWith("…"));
        assertEquals("short", Connection.cut("short"));
    }

    @Test
    void theBucketAllowsABurstOfTwiceTheRateThenThePace() {
        long t = 0;
        Bucket b = new Bucket(10, t);
        int taken = 0;
        while (b.take(t)) {
            taken++;
        }
        assertEquals(20, taken, "the burst");
        assertFalse(b.take(t + 50_000_000L), "half a token after 50 ms");
        assertTrue(b.take(t + 100_000_000L), "one token after 100 ms at 10 a second");
        assertFalse(b.take(t + 100_000_000L));
    }
}
