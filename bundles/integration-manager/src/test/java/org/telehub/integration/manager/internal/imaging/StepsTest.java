package org.telehub.integration.manager.internal.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps.Update;
import org.telehub.persistence.TestDatabases;

/**
 * The performed procedure steps on a real PostgreSQL with the module's migration: a step is created once, updated
 * while in progress, never after it is final (also when two ends race), and a step the hub cannot file is refused
 * naming why, with nothing written.
 */
class StepsTest {
    private static final Instant START = Instant.parse("2026-12-14T08:35:00Z");

    private static Steps steps() {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        try (InputStream in = StepsTest.class.getResourceAsStream("/db/migration/integration/V9__procedure_steps.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Steps(jdbi);
    }

    private static PerformedStep step(String uid, String status, Instant ended) {
        return new PerformedStep(uid, "ENDO-P1", "SPS-77", "ACC-77", "2.25.77", status, "Colonoscopy", "ENDO1",
                START, ended);
    }

    @Test
    void aStepIsCreatedOnceUpdatedWhileInProgressAndNeverAfter() throws Exception {
        Steps s = steps();
        assertTrue(s.create("endo", step("2.25.1", "IN PROGRESS", null)));
        assertFalse(s.create("endo", step("2.25.1", "IN PROGRESS", null)), "the same step again");
        assertTrue(s.create("other-endo", step("2.25.1", "IN PROGRESS", null)), "ids are per system");
        Instant end = START.plusSeconds(1800);
        assertEquals(Update.UPDATED, s.update("endo", step("2.25.1", "COMPLETED", end)));
        assertEquals(Update.FINAL, s.update("endo", step("2.25.1", "DISCONTINUED", end.plusSeconds(60))));
        PerformedStep kept = s.find("endo", "2.25.1").orElseThrow();
        assertEquals("COMPLETED", kept.status());
        assertEquals(end, kept.ended());
        assertEquals("ACC-77", kept.accessionNumber());
        assertEquals(Update.UNKNOWN, s.update("endo", step("2.25.9", "COMPLETED", end)));
        assertEquals(List.of("2.25.1"), s.ofPatient("endo", "ENDO-P1").stream().map(PerformedStep::uid).toList());
        assertEquals(List.of(), s.ofPatient("endo", "SOMEONE-ELSE"));
    }

    @Test
    void twoEndsRacingLeaveOne() throws Exception {
        Steps s = steps();
        for (int round = 0; round < 20; round++) {
            String uid = "2.25.2" + round;
            s.create("endo", step(uid, "IN PROGRESS", null));
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<Update> done = CompletableFuture.supplyAsync(() -> race(s, both, uid, "COMPLETED"));
            CompletableFuture<Update> stopped = CompletableFuture.supplyAsync(() -> race(s, both, uid, "DISCONTINUED"));
            List<Update> outcomes = List.of(done.get(), stopped.get());
            assertTrue(outcomes.contains(Update.UPDATED) && outcomes.contains(Update.FINAL), outcomes.toString());
            String status = s.find("endo", uid).orElseThrow().status();
            assertEquals(outcomes.get(0) == Update.UPDATED ? "COMPLETED" : "DISCONTINUED", status);
        }
    }

    private static Update race(Steps s, CyclicBarrier both, String uid, String status) {
        try {
            both.await();
            return s.update("endo", step(uid, status, START.plusSeconds(600)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStepTheHubCannotFileIsRefusedNamingWhy() throws Exception {
        Steps s = steps();
        for (PerformedStep bad : List.of(step("../etc", "IN PROGRESS", null),
                new PerformedStep("2.25.3", " ", null, null, null, "IN PROGRESS", null, null, START, null),
                step("2.25.3", "PAUSED", null),
                new PerformedStep("2.25.3", "P", null, null, "not-a-uid", "IN PROGRESS", null, null, START, null),
                new PerformedStep("2.25.3", "P", null, null, null, "IN PROGRESS", null, null, null, null))) {
            AdapterException e = assertThrows(AdapterException.class, () -> s.create("endo", bad), bad.toString());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().startsWith("procedure step refused: "), e.getMessage());
        }
        assertTrue(s.find("endo", "2.25.3").isEmpty(), "nothing written");
    }
}
