package org.telehub.dbserver.internal;

/** Why the hub's own PostgreSQL cannot run: shown as is in the log, on the console and in health (never a secret). */
final class DbServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DbServerException(String message) {
        super(message);
    }
}
