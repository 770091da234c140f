package org.telehub.endoscopy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.telehub.adapter.endoscopy.internal.Settings;

/**
 * A vendor's profile of the shared endoscopy adapter: the generic defaults with the vendor's own, each of which
 * names where it comes from (a public source, or "assumed"). A profile holds no behaviour of its own: what differs
 * between systems is a setting, so a site can set any of them in its configuration whatever the profile says.
 */
public final class EndoscopyProfile {
    /** The standards' defaults (IHE Endoscopy Workflow, DICOM PS3.4): what every profile starts from. */
    public static final EndoscopyProfile GENERIC = new EndoscopyProfile("generic", Settings.GENERIC, List.of());
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    /** A default that differs from the generic profile's, and where it comes from. */
    public record Difference(String setting, Object generic, Object value, String source) {
        public Difference {
            Objects.requireNonNull(setting, "setting");
            Objects.requireNonNull(source, "source");
        }
    }

    private final String name;
    private final Map<String, Object> defaults;
    private final List<Difference> differences;

    private EndoscopyProfile(String name, Map<String, Object> defaults, List<Difference> differences) {
        this.name = name;
        this.defaults = defaults;
        this.differences = differences;
    }

    /** A profile of this one's defaults under another name (lower-case letters, digits, '-'). */
    public EndoscopyProfile named(String profileName) {
        if (profileName == null || !NAME.matcher(profileName).matches()) {
            throw new IllegalArgumentException("a profile's name is 1-32 lower-case letters, digits or '-'");
        }
        return new EndoscopyProfile(profileName, defaults, differences);
    }

    /**
     * This profile with another default for one setting.
     *
     * @param setting a setting's name, as in the configuration (e.g. {@code characterSet})
     * @param value its default, of the setting's type (text, a whole number, or a list of text)
     * @param source where the value comes from: a public document's address and what it says, or "assumed" with why
     * @throws IllegalArgumentException for an unknown setting, a value not of its type, no source, or a value equal
     *         to the generic one (which would be no difference)
     */
    public EndoscopyProfile with(String setting, Object value, String source) {
        Class<?> type = Settings.TYPES.get(setting);
        if (type == null) {
            throw new IllegalArgumentException("no setting '" + setting + "'; the settings are "
                    + Settings.TYPES.keySet());
        }
        if (value == null || source == null || source.isBlank()) {
            throw new IllegalArgumentException(setting + ": a default needs its value and its source");
        }
        Object v = Settings.value(setting, type, value);
        Object generic = GENERIC.defaults.get(setting);
        if (same(v, generic)) {
            throw new IllegalArgumentException(setting + ": " + show(v) + " is the generic default already");
        }
        Map<String, Object> d = new LinkedHashMap<>(defaults);
        d.put(setting, v);
        List<Difference> diff = new ArrayList<>();
        for (Difference x : differences) {
            if (!x.setting().equals(setting)) {
                diff.add(x);
            }
        }
        diff.add(new Difference(setting, generic, v, source.trim()));
        return new EndoscopyProfile(name, Collections.unmodifiableMap(d), List.copyOf(diff));
    }

    public String name() {
        return name;
    }

    /** Every setting's default (arrays copied); the id, worklist host and worklist AE title have none. */
    public Map<String, Object> defaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        defaults.forEach((k, v) -> out.put(k, v instanceof String[] a ? a.clone() : v));
        return out;
    }

    /** The defaults that differ from the generic profile's, each with its source, in the order they were given. */
    public List<Difference> differences() {
        return differences;
    }

    /** Every setting's name, in the configuration's order. */
    public static List<String> settings() {
        return List.copyOf(Settings.TYPES.keySet());
    }

    /** A default as text, as a configuration file writes it (a list comma-separated). */
    public static String show(Object value) {
        return value instanceof String[] a ? String.join(",", a) : String.valueOf(value);
    }

    private static boolean same(Object a, Object b) {
        return a instanceof String[] x && b instanceof String[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
    }

    @Override
    public String toString() {
        return "endoscopy profile " + name;
    }
}
