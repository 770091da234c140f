package org.telehub.integration.api;

import java.time.Instant;

/** A procedure (e.g. an endoscopy) recorded by a procedure system. */
public record ProcedureSummary(String procedureId, String type, Instant performedAt, String status) {
}
