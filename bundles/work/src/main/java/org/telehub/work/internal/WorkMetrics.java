package org.telehub.work.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.health.HealthIndicator;
import org.telehub.metrics.WorkCounts;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * Work per topic and state for {@code GET /metrics} (kind {@code work}, target = topic), and the {@code work}
 * health check: DEGRADED while a due item has waited longer than {@code stuckAfterSeconds} (no handler anywhere, or
 * the consumers cannot keep up); the detail names the topics, ages and dead counts. Dead items alone do not degrade
 * it: they wait for an operator's replay and are counted in the metrics.
 */
public final class WorkMetrics {
    private WorkMetrics() {
    }

    @Component(service = WorkCounts.class)
    public static class Counts implements WorkCounts {
        private final WorkService work;

        @Activate
        public Counts(@Reference WorkService work) {
            this.work = work;
        }

        @Override
        public String kind() {
            return "work";
        }

        @Override
        public List<Count> counts() {
            return work.counts().stream().map(c -> new Count(c.topic(), c.state().value(), c.count())).toList();
        }
    }

    @Component(service = HealthIndicator.class)
    public static class Health implements HealthIndicator {
        /** A due item waiting longer than this makes the hub DEGRADED. */
        static final Duration STUCK = Duration.ofMinutes(10);
        private final WorkService work;

        @Activate
        public Health(@Reference WorkService work) {
            this.work = work;
        }

        @Override
        public String name() {
            return "work";
        }

        @Override
        public Check check() {
            long start = System.nanoTime();
            try {
                List<WorkService.Count> counts = work.counts();
                Instant now = Instant.now();
                String stuck = counts.stream().filter(c -> c.state() == WorkState.PENDING && c.oldest() != null
                        && Duration.between(c.oldest(), now).compareTo(STUCK) > 0)
                        .map(c -> c.topic() + ": oldest due item waiting " + Duration.between(c.oldest(), now)
                                .toSeconds() + " s")
                        .collect(Collectors.joining("; "));
                String dead = counts.stream().filter(c -> c.state() == WorkState.DEAD)
                        .map(c -> c.topic() + ": " + c.count() + " dead").collect(Collectors.joining("; "));
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (stuck.isEmpty()) {
                    return Check.up(dead.isEmpty() ? "no work waiting too long, none dead" : dead, ms);
                }
                return new Check(Status.DEGRADED, String.join("; ", List.of(stuck, dead).stream()
                        .filter(s -> !s.isEmpty()).toList()), ms);
            } catch (RuntimeException e) {
                return Check.down("work counts unreadable: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
            }
        }
    }
}
