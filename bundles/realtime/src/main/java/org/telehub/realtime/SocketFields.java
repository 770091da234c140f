package org.telehub.realtime;

import org.telehub.domain.InvalidException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading a frame's {@code data} the way every handler answers a bad one: a missing or mistyped member is a 400 error
 * frame naming it ({@code InvalidException} with the field).
 *
 * @since 1.1
 */
public final class SocketFields {
    private SocketFields() {
    }

    /** A string member; null when absent and not {@code required}. */
    public static String text(JsonNode data, String field, boolean required) {
        JsonNode n = data.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidException(field, "Required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidException(field, "A string");
        }
        return n.asText();
    }
}
