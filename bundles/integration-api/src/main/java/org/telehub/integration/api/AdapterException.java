package org.telehub.integration.api;

/**
 * A remote operation failed. {@link #retryable()} tells the manager whether trying again later can succeed
 * (timeouts, connection refused, 5xx, 429) or not (rejected as invalid, unknown patient, permission denied).
 */
public class AdapterException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public AdapterException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public AdapterException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
