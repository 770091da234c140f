package org.telehub.realtime.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.telehub.domain.DomainException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Protocol version 1's frames (docs/websocket-protocol.md): encoding, and domain failures as error frames. */
final class Frames {
    static final int VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    // close codes (4000-4999 are the application's; the protocol document lists them)
    static final int CLOSE_UNAUTHENTICATED = 4401;
    static final int CLOSE_HEARTBEAT = 4408;
    static final int CLOSE_TOO_SLOW = 4409;
    static final int CLOSE_FLOOD = 4429;
    static final int CLOSE_GOING_AWAY = 1001;

    private Frames() {
    }

    /** {@code {"v":1,"type":type,["re":re,]["topic":topic,]["data":data]}} */
    static String event(String type, String re, String topic, Object data) {
        ObjectNode f = JSON.createObjectNode();
        f.put("v", VERSION);
        f.put("type", type);
        if (re != null) {
            f.put("re", re);
        }
        if (topic != null) {
            f.put("topic", topic);
        }
        if (data != null) {
            f.set("data", data instanceof JsonNode n ? n : JSON.valueToTree(data));
        }
        return write(f);
    }

    /** An error frame: the same members as the REST API's problem+json. */
    static String error(String re, int status, String title, String detail, String field, Map<String, ?> more) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", status);
        e.put("title", title);
        e.put("detail", detail);
        if (field != null) {
            e.put("field", field);
        }
        if (more != null) {
            more.forEach(e::putIfAbsent); // as REST's: extensions never replace the standard members
        }
        ObjectNode f = JSON.createObjectNode();
        f.put("v", VERSION);
        f.put("type", "error");
        if (re != null) {
            f.put("re", re);
        }
        f.set("error", JSON.valueToTree(e));
        return write(f);
    }

    static String error(String re, DomainException e) {
        int status = e.status();
        return error(re, status, e.title() != null ? e.title() : defaultTitle(status), e.detail(), e.field(),
                e.details());
    }

    static String defaultTitle(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
