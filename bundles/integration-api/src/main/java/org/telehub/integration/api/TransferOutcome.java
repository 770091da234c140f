package org.telehub.integration.api;

/**
 * The result of a C-MOVE, C-GET or WADO-RS transfer of a study.
 *
 * @param completed instances transferred
 * @param failed instances the PACS or the receiver could not transfer
 * @param warnings instances transferred with a warning
 * @since 1.1
 */
public record TransferOutcome(int completed, int failed, int warnings) {
}
