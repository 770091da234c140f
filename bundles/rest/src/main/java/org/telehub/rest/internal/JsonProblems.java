package org.telehub.rest.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.telehub.rest.ProblemException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/** Turns Jackson's failures into problems a client can act on: which field, what was wrong, where in the text. */
final class JsonProblems {
    private JsonProblems() {
    }

    static ProblemException of(JsonProcessingException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return p; // raised while reading (body too large) or by a record's own validation
            }
        }
        if (e instanceof ValueInstantiationException vie && vie.getCause() instanceof IllegalArgumentException iae) {
            return ProblemException.invalid(path(vie), iae.getMessage());
        }
        if (e instanceof JsonParseException) {
            return ProblemException.invalid(path(e), "Malformed JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage()
                    .lines().findFirst().orElse(""));
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            String known = upe.getKnownPropertyIds() == null ? ""
                    : "; known fields: " + upe.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", "));
            return ProblemException.invalid(path(upe), "Unknown field '" + upe.getPropertyName() + "'" + known);
        }
        if (e instanceof InvalidNullException ine) {
            return ProblemException.invalid(path(ine), "Required: must not be null or missing");
        }
        if (e instanceof InvalidFormatException ife) {
            String expected = ife.getTargetType() != null && ife.getTargetType().isEnum()
                    ? "one of " + Arrays.toString(ife.getTargetType().getEnumConstants())
                    : "a " + simpleName(ife.getTargetType());
            return ProblemException.invalid(path(ife), "Value '" + ife.getValue() + "' is not " + expected);
        }
        if (e instanceof MismatchedInputException mie) {
            return ProblemException.invalid(path(mie), "Expected " + expectation(mie) + at(mie.getLocation()));
        }
        if (e instanceof JsonMappingException jme) {
            return ProblemException.invalid(path(jme), jme.getOriginalMessage());
        }
        return ProblemException.invalid(null, "Unreadable JSON: " + e.getOriginalMessage());
    }

    private static String expectation(MismatchedInputException e) {
        Class<?> t = e.getTargetType();
        if (t == null) {
            return "a different JSON value";
        }
        if (t.isArray() || java.util.Collection.class.isAssignableFrom(t)) {
            return "an array";
        }
        if (t.isRecord() || java.util.Map.class.isAssignableFrom(t)) {
            return "an object";
        }
        return "a " + simpleName(t);
    }

    private static String simpleName(Class<?> t) {
        if (t == null) {
            return "value of another type";
        }
        if (t == String.class) {
            return "string";
        }
        if (Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class)) {
            return "number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "boolean";
        }
        return t.getSimpleName();
    }

    /** JSON path of the failure, e.g. {@code roles[1]} or {@code address.city}; null at the top level. */
    static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException jme) || jme.getPath().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : jme.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 0 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }
}
