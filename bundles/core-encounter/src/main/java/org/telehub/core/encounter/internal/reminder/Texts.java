package org.telehub.core.encounter.internal.reminder;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The texts people receive about a visit (reminders, invitations) in one language: {@code messages[_fa|_ru]}
 * beside this class ({@link MessageFormat}), times in the recipient's zone. Shared so that every message formats
 * the visit's time and kind the same way.
 */
public final class Texts {
    /** Languages with texts. */
    public static final List<String> LANGUAGES = List.of("en", "fa", "ru");

    private final Locale language;
    private final ResourceBundle messages;

    private Texts(String language) {
        this.language = Locale.forLanguageTag(language);
        // no fallback to the JVM's locale: "en" is the base bundle, not whatever the host's default is
        this.messages = ResourceBundle.getBundle(Texts.class.getPackageName() + ".messages", this.language,
                Texts.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The texts of {@code language} (en, fa, ru). */
    public static Texts of(String language) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("'" + language + "' is not one of " + LANGUAGES);
        }
        return new Texts(language);
    }

    public String format(String key, Object... args) {
        return new MessageFormat(messages.getString(key), language).format(args);
    }

    /** A time as people read it: in {@code zone}, the zone named. */
    public String when(Instant t, ZoneId zone) {
        return DateTimeFormatter.ofPattern(messages.getString("when"), language).format(t.atZone(zone));
    }

    /** The kind of visit (video, audio, …) in words. */
    public String type(String type) {
        return messages.containsKey("type." + type) ? messages.getString("type." + type) : type.replace('_', ' ');
    }
}
