package org.telehub.work;

import java.util.Locale;

/**
 * The states of every work item, whatever its topic: {@code pending → running → done}, or back to {@code pending}
 * (attempts + 1, due later) on a retry, or {@code dead} when the handler gives up or the attempts are spent;
 * {@code cancelled} for a pending item withdrawn by its submitter. {@code dead} items return to {@code pending}
 * only by {@link WorkService#replay(String)}.
 */
public enum WorkState {
    PENDING, RUNNING, DONE, DEAD, CANCELLED;

    /** The name stored and shown (lower case), e.g. {@code pending}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the unknown state */
    public static WorkState of(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown work state '" + value + "'");
        }
    }
}
