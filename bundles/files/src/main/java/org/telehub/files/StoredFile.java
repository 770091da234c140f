package org.telehub.files;

import java.time.Instant;

/**
 * A stored file's record.
 *
 * @param size plain size in bytes
 * @param sha256 hex SHA-256 of the plain content
 */
public record StoredFile(String id, String contentType, String category, long size, String sha256,
        Instant createdAt) {
}
