package org.telehub.integration.manager.internal;

/**
 * How one call to a system went ({@link SystemCalls}), and in the all-systems read also why a system was not
 * called. The names are the REST API's values.
 */
public enum CallStatus {
    OK, ERROR, TIMEOUT, REJECTED,
    /** not called: no adapter with this id is installed */
    UNAVAILABLE,
    /** not called: the patient has no identifier in this system */
    NO_MAPPING
}
