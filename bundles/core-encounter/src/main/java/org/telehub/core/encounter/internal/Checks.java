package org.telehub.core.encounter.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.security.AuthenticatedUser;

/** Input checks shared by the module's services: each failure names the field, as every caller needs. */
public final class Checks {
    public static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s.]{2,}");

    private Checks() {
    }

    /** Domain services are reached by authenticated callers only; a transport that forgot to ask is a 401. */
    public static AuthenticatedUser signedIn(AuthenticatedUser user) {
        if (user == null) {
            throw new NotAuthenticatedException("Sign in first");
        }
        return user;
    }

    public static void body(Object body) {
        if (body == null) {
            throw new InvalidException(null, "A JSON body is required");
        }
    }

    public static void maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidException(field, "At most " + max + " characters");
        }
    }

    /** A required time zone id (field {@code timeZone}). */
    public static ZoneId zoneRequired(String z) {
        if (z == null || z.isBlank()) {
            throw new InvalidException("timeZone", "Required: a time zone id such as Europe/Berlin");
        }
        try {
            return ZoneId.of(z.trim());
        } catch (DateTimeException e) {
            throw new InvalidException("timeZone", "Not a time zone id such as Europe/Berlin: " + z);
        }
    }

    /** An optional time zone id (field {@code zone}); null if absent. */
    public static ZoneId zone(String zone) {
        if (zone == null || zone.isBlank()) {
            return null;
        }
        try {
            return ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw new InvalidException("zone", "Not a time zone id such as Europe/Berlin: " + zone);
        }
    }

    /** A query bound: an ISO-8601 date-time with offset, or a date meaning its start in {@code zone}; null if absent. */
    public static Instant bound(String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value.trim()).atStartOfDay(zone).toInstant();
            } catch (DateTimeParseException e2) {
                throw new InvalidException(field, "An ISO-8601 date-time with offset, or a date"
                        + " (midnight in " + zone.getId() + "): " + value);
            }
        }
    }

    public static void page(int offset, int limit, int most) {
        if (offset < 0) {
            throw new InvalidException("offset", "Must be 0 or more");
        }
        if (limit < 1 || limit > most) {
            throw new InvalidException("limit", "Must be between 1 and " + most);
        }
    }
}
