package org.telehub.metrics;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** How much work of one kind a module holds, per target and state; read at every scrape. */
@ConsumerType
public interface WorkCounts {

    /** Stable, short name of the kind of work, e.g. {@code delivery}, {@code reminder}, {@code webhook}. */
    String kind();

    /**
     * The counts now: one row per (target, state) with at least one item. Should be one grouped query; may throw
     * (the database is down), the scrape then shows the kind as unavailable instead of failing.
     */
    List<Count> counts();

    /**
     * @param target where the work goes (an adapter id, a channel), {@code ""} if the kind has one target; never
     *            PHI, never a URL with credentials
     * @param state the module's own state name, e.g. {@code queued}, {@code dead}
     */
    record Count(String target, String state, long count) {
    }
}
