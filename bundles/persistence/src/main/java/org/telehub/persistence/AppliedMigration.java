package org.telehub.persistence;

import java.time.Instant;

/** One row of the migration history: which script of which module ran, when, and how long it took. */
public record AppliedMigration(String module, int version, String description, String checksum, Instant appliedAt,
        long executionMillis) {
}
