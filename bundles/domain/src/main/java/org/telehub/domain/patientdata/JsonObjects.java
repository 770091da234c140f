package org.telehub.domain.patientdata;

import java.util.LinkedHashMap;
import java.util.Map;

/** How contributors write the JSON objects of their FHIR resources. */
public final class JsonObjects {

    private JsonObjects() {
    }

    /**
     * A map of the non-null values of {@code keysAndValues} (key, value, key, value, …), in order: a member the
     * disclosure left out (a name in the research export) is absent, never null or empty.
     *
     * @since 1.1
     */
    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }
}
