package org.telehub.core.encounter.internal.export;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for FHIR R4 JSON maps: leaving out null values keeps the research export free of empty fields. */
final class Fhir {
    static final String PATIENT_SYSTEM = "urn:telehub:patient";

    private Fhir() {
    }

    /** A map of the non-null values among {@code keyValues} (key, value, key, value, ...), in order. */
    static Map<String, Object> obj(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            if (v != null && !(v instanceof List<?> l && l.isEmpty())) {
                m.put((String) keyValues[i], v);
            }
        }
        return m;
    }

    /** The non-null values as a list (empty lists are left out by {@link #obj}). */
    static List<Object> list(Object... values) {
        List<Object> l = new ArrayList<>();
        for (Object v : values) {
            if (v != null) {
                l.add(v);
            }
        }
        return l;
    }

    /** {@code [{"text": value}]}, or null for no value (a CodeableConcept list of free text). */
    static List<Object> texts(String value) {
        return value == null ? null : list(obj("text", value));
    }

    static Map<String, Object> ref(String type, String id) {
        return id == null ? null : obj("reference", type + "/" + id);
    }

    static Map<String, Object> coding(String system, String code) {
        return code == null ? null : obj("system", system, "code", code);
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
