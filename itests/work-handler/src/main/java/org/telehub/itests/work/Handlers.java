package org.telehub.itests.work;

import org.osgi.service.component.annotations.Component;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

/** Handlers of the in-container tests; what they do is in each item's payload. */
public final class Handlers {
    private Handlers() {
    }

    /** Does nothing: the benchmark measures the work service itself. */
    @Component(property = {WorkHandler.TOPIC + "=itest.noop", WorkHandler.CONSUMERS + ":Integer=4"})
    public static class Noop implements WorkHandler {
        @Override
        public Verdict handle(WorkItem item) {
            return Verdict.done();
        }
    }

    /**
     * {@code done}; {@code retry-until:N} (retry until the N-th attempt, then done); {@code always-retry}. At most 3
     * attempts, 200 ms first backoff.
     */
    @Component(property = {WorkHandler.TOPIC + "=itest.scripted", WorkHandler.MAX_ATTEMPTS + ":Integer=3",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=200"})
    public static class Scripted implements WorkHandler {
        @Override
        public Verdict handle(WorkItem item) {
            String p = item.payload();
            if (p.startsWith("retry-until:")) {
                return item.attempts() >= Integer.parseInt(p.substring(12)) ? Verdict.done() : Verdict.retry("not yet");
            }
            return p.equals("always-retry") ? Verdict.retry("remote down") : Verdict.done();
        }
    }
}
