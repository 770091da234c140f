package org.telehub.directory.internal;

import org.telehub.domain.InvalidException;

/** Input checks shared by the directory's services: a refusal names its field. */
final class Checks {
    private Checks() {
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static String required(String field, String v, int max) {
        if (v == null || v.isBlank()) {
            throw new InvalidException(field, "Required");
        }
        if (v.strip().length() > max) {
            throw new InvalidException(field, "At most " + max + " characters");
        }
        return v.strip();
    }

    static String optional(String field, String v, int max) {
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.strip().length() > max) {
            throw new InvalidException(field, "At most " + max + " characters");
        }
        return v.strip();
    }

    /** Runs {@code write}; a unique constraint it breaks is {@code conflict} (a 409 naming the field). */
    static void unique(Runnable write, java.util.function.Supplier<org.telehub.domain.ConflictException> conflict) {
        try {
            write.run();
        } catch (RuntimeException e) {
            if (duplicate(e)) {
                throw conflict.get();
            }
            throw e;
        }
    }

    static boolean duplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
