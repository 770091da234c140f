package org.telehub.adapter.endoscopy.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One endoscopy system's settings: what its configuration gives, over its profile's defaults. The names are the
 * configuration's keys (and the ids of the web console form's fields, {@link Fields}).
 */
public record Settings(String id, String vendor, String worklistHost, int worklistPort, String worklistAe,
        String callingAe, String modality, String stationAe, String characterSet, String timeZone, int timeoutMillis,
        int storagePort, int mppsPort, String bindAddress, String[] senders, String forwardTo, int maxPdu,
        String analysisObjects, String storageClasses, String videoSource, String videoSize, int videoFps,
        String resultsStore) {

    /** Every setting, in the order above, with its type; the ones without a default must be configured. */
    public static final Map<String, Class<?>> TYPES;
    /** The generic profile: the standards' defaults (the first three settings have none). */
    public static final Map<String, Object> GENERIC;

    static {
        Map<String, Class<?>> t = new LinkedHashMap<>();
        for (var c : Settings.class.getRecordComponents()) {
            t.put(c.getName(), c.getType());
        }
        TYPES = Collections.unmodifiableMap(t);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("vendor", "Endoscopy (DICOM)");
        g.put("worklistPort", 104);
        g.put("callingAe", "TELEHUB");
        g.put("modality", "ES");
        g.put("stationAe", "");
        g.put("characterSet", "ISO_IR 192");
        g.put("timeZone", "");
        g.put("timeoutMillis", 15000);
        g.put("storagePort", 0);
        g.put("mppsPort", 0);
        g.put("bindAddress", "127.0.0.1");
        g.put("senders", new String[0]);
        g.put("forwardTo", "");
        g.put("maxPdu", 65536);
        g.put("analysisObjects", "SR");
        g.put("storageClasses", "VL_ENDOSCOPIC,VIDEO_ENDOSCOPIC");
        g.put("videoSource", "");
        g.put("videoSize", "1280x720");
        g.put("videoFps", 30);
        g.put("resultsStore", "");
        GENERIC = Collections.unmodifiableMap(g);
    }

    /**
     * The settings of one system: each from {@code properties} (Config Admin's, where a {@code .cfg} file gives every
     * value as text) when there, else from {@code defaults}. Keys that are no setting (the framework's own) are
     * ignored.
     *
     * @throws IllegalArgumentException naming the setting that is missing or not of its type
     */
    public static Settings of(Map<String, ?> defaults, Map<String, ?> properties) {
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, Class<?>> e : TYPES.entrySet()) {
            String name = e.getKey();
            Object v = properties.get(name);
            if (v == null || v instanceof String s && s.isBlank() && defaults.get(name) instanceof Number) {
                v = defaults.get(name);
            }
            if (v == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            values.add(value(name, e.getValue(), v));
        }
        return new Settings((String) values.get(0), (String) values.get(1), (String) values.get(2),
                (int) values.get(3), (String) values.get(4), (String) values.get(5), (String) values.get(6),
                (String) values.get(7), (String) values.get(8), (String) values.get(9), (int) values.get(10),
                (int) values.get(11), (int) values.get(12), (String) values.get(13), (String[]) values.get(14),
                (String) values.get(15), (int) values.get(16), (String) values.get(17), (String) values.get(18),
                (String) values.get(19), (String) values.get(20), (int) values.get(21), (String) values.get(22));
    }

    /** The words of a list setting written as one value, separated by commas or spaces ("SR, SC"); none for null. */
    static List<String> words(String value) {
        List<String> out = new ArrayList<>();
        for (String w : (value == null ? "" : value).trim().split("[,\\s]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** {@code v} as the setting's type, or why not. */
    public static Object value(String name, Class<?> type, Object v) {
        if (type == int.class) {
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                return ((Number) v).intValue();
            }
            if (v instanceof Long l && l == l.intValue()) {
                return l.intValue();
            }
            try {
                return Integer.parseInt(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": a whole number (got '" + v + "')");
            }
        }
        if (type == String[].class) {
            if (v instanceof String[] a) {
                return a.clone();
            }
            if (v instanceof Collection<?> c) {
                return c.stream().map(String::valueOf).toArray(String[]::new);
            }
            return new String[] {v.toString()};
        }
        if (v instanceof String[] || v instanceof Collection<?>) {
            throw new IllegalArgumentException(name + ": one value (got several)");
        }
        return v.toString();
    }
}
