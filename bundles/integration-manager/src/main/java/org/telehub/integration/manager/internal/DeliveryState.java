package org.telehub.integration.manager.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** The states of a delivery; {@link #value()} is how the database and the REST API spell them. */
public enum DeliveryState {
    QUEUED("queued"), IN_FLIGHT("in_flight"), DELIVERED("delivered"), RETRYING("retrying"), DEAD("dead");

    /** Every value, for messages naming the choices. */
    public static final List<String> VALUES = Arrays.stream(values()).map(DeliveryState::value).toList();

    private final String value;

    DeliveryState(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    public static Optional<DeliveryState> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
