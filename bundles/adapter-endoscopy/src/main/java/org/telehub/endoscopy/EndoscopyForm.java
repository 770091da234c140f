package org.telehub.endoscopy;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.telehub.adapter.endoscopy.internal.Fields;
import org.telehub.adapter.endoscopy.internal.Settings;

/**
 * The web console's form of a profile's systems: every setting, each with the profile's default. A profile's bundle
 * registers one as a {@link MetaTypeProvider} service with its factory PID ({@code metatype.factory.pid}), so the
 * Metatype Service shows it for that bundle; the settings' labels and help are the same for every profile, written
 * once, and a default shown is always the one the profile applies.
 */
public class EndoscopyForm implements MetaTypeProvider {
    private final EndoscopyProfile profile;
    private final String name;
    private final String description;

    /**
     * @param name the form's title, e.g. "Telehub endoscopy system (Olympus)"
     * @param description one line on what one configuration is
     */
    public EndoscopyForm(EndoscopyProfile profile, String name, String description) {
        this.profile = profile;
        this.name = name;
        this.description = description;
    }

    @Override
    public String[] getLocales() {
        return null;
    }

    @Override
    public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
        return new ObjectClassDefinition() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public String getID() {
                return id;
            }

            @Override
            public String getDescription() {
                return description;
            }

            @Override
            public AttributeDefinition[] getAttributeDefinitions(int filter) {
                return Fields.ALL.stream().filter(f -> filter == ALL || (filter == REQUIRED) == f.required())
                        .map(Attribute::new).toArray(AttributeDefinition[]::new);
            }

            @Override
            public java.io.InputStream getIcon(int size) {
                return null;
            }
        };
    }

    /** One setting as the form shows and checks it. */
    private final class Attribute implements AttributeDefinition {
        private final Fields.Field field;
        private final Class<?> type;

        Attribute(Fields.Field field) {
            this.field = field;
            this.type = Settings.TYPES.get(field.id());
        }

        @Override
        public String getName() {
            return field.name();
        }

        @Override
        public String getID() {
            return field.id();
        }

        @Override
        public String getDescription() {
            return field.description();
        }

        @Override
        public int getCardinality() {
            return type == String[].class ? Integer.MAX_VALUE : 0;
        }

        @Override
        public int getType() {
            return type == int.class ? INTEGER : STRING;
        }

        @Override
        public String[] getOptionValues() {
            return field.options().isEmpty() ? null : field.options().keySet().toArray(String[]::new);
        }

        @Override
        public String[] getOptionLabels() {
            return field.options().isEmpty() ? null : field.options().values().toArray(String[]::new);
        }

        /** "" when the value is good, else why not (the console shows it). */
        @Override
        public String validate(String value) {
            if (value == null || value.isBlank()) {
                return field.required() ? field.id() + " is required" : "";
            }
            try {
                Object v = Settings.value(field.id(), type, value);
                if (v instanceof Integer n && (field.min() != null && n < field.min()
                        || field.max() != null && n > field.max())) {
                    return field.id() + ": from " + (field.min() == null ? "" : field.min()) + " to "
                            + (field.max() == null ? "" : field.max());
                }
                if (!field.options().isEmpty() && !field.options().containsKey(value.trim())) {
                    return field.id() + ": one of " + field.options().keySet();
                }
                return "";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }

        @Override
        public String[] getDefaultValue() {
            Object d = profile.defaults().get(field.id());
            if (d == null) {
                return null;
            }
            return d instanceof String[] a ? (a.length == 0 ? null : a) : new String[] {String.valueOf(d)};
        }
    }
}
