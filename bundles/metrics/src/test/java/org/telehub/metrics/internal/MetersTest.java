package org.telehub.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.metrics.WorkCounts;

/** The exposition a scraper reads: work rows as they are now, a failing kind marked, timers by template. */
class MetersTest {

    /** A module's counts as its grouped query would return them; the test changes them between scrapes. */
    static final class Work implements WorkCounts {
        final List<Count> rows = new ArrayList<>();
        volatile boolean down;

        @Override
        public String kind() {
            return "delivery";
        }

        @Override
        public List<Count> counts() {
            if (down) {
                throw new IllegalStateException("Connection refused");
            }
            return List.copyOf(rows);
        }
    }

    @Test
    void workIsReadAtEachScrapeAndAnUnreadableKindIsMarked() {
        Meters meters = new Meters();
        meters.activate();
        Work work = new Work();
        meters.addWork(work);
        work.rows.add(new WorkCounts.Count("pacs-a", "dead", 2));
        work.rows.add(new WorkCounts.Count("pacs-a", "queued", 5));
        String first = meters.scrape();
        assertTrue(first.contains("telehub_work{application=\"telehub\",kind=\"delivery\",state=\"dead\",target=\"pacs-a\"} 2"), first);
        assertTrue(first.contains("telehub_work_unavailable{application=\"telehub\",kind=\"delivery\"} 0"), first);
        assertTrue(first.contains("jvm_memory_used_bytes"), "JVM binders");

        // the queue drained: its row goes, the dead one stays and grows
        work.rows.clear();
        work.rows.add(new WorkCounts.Count("pacs-a", "dead", 3));
        String second = meters.scrape();
        assertTrue(second.contains("state=\"dead\",target=\"pacs-a\"} 3"), second);
        assertFalse(second.contains("state=\"queued\""), second);

        work.down = true;
        String third = meters.scrape();
        assertTrue(third.contains("telehub_work_unavailable{application=\"telehub\",kind=\"delivery\"} 1"), third);
        meters.deactivate();
    }

    @Test
    void requestsAreTimedByTemplate() {
        Meters meters = new Meters();
        meters.activate();
        meters.request("GET", "/api/v1/encounters/{id}", 200, 3_000_000);
        meters.request("GET", "/api/v1/encounters/{id}", 200, 5_000_000);
        String text = meters.scrape();
        assertTrue(text.contains("telehub_http_server_requests_seconds_count{application=\"telehub\",method=\"GET\","
                + "route=\"/api/v1/encounters/{id}\",status=\"200\"} 2"), text);
        meters.deactivate();
    }

    @Test
    void theGeneratedScrapeTokenIsKeptOwnerOnlyAndReused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("telehub/metrics.token");
        String token = MetricsServlet.generated(file);
        assertTrue(token.length() >= 40, token.length() + " characters");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertEquals(token, MetricsServlet.generated(file), "the same token at the next start");
        try (java.util.stream.Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void anEmptyOrShortTokenKeepsTheEndpointClosed(@TempDir Path dir) throws Exception {
        // an empty token file (a crash while it was written, a full disk) once matched a request with no token
        Path file = dir.resolve("metrics.token");
        Files.writeString(file, "");
        assertThrows(IllegalStateException.class, () -> new MetricsServlet(null, config("", file.toString())));
        assertThrows(IllegalStateException.class, () -> new MetricsServlet(null, config("short", "")));
    }

    private static MetricsConfig config(String token, String tokenFile) {
        return (MetricsConfig) java.lang.reflect.Proxy.newProxyInstance(MetricsConfig.class.getClassLoader(),
                new Class<?>[] {MetricsConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "scrapeToken" -> token;
                    case "tokenFile" -> tokenFile;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
