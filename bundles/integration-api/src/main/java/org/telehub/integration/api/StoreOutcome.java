package org.telehub.integration.api;

import java.nio.file.Path;

/**
 * What became of one instance sent by {@link DicomArchive#store}.
 *
 * @param stored true when the PACS confirmed it (DIMSE status success or warning, STOW-RS without failure)
 * @param detail why it was not stored (rejected SOP class, PACS failure status, unreadable file), or a warning;
 *            null on plain success
 * @since 1.1
 */
public record StoreOutcome(Path file, String sopClassUid, String sopInstanceUid, boolean stored, String detail) {
}
