package org.telehub.persistence;

/** A schema migration could not be applied, or the database does not match the scripts a bundle ships. */
public class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
