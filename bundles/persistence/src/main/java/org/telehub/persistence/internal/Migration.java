package org.telehub.persistence.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.telehub.persistence.MigrationException;

/** One versioned migration script, named {@code V<version>__<description>.sql}. */
record Migration(int version, String description, String sql, String checksum) {

    private static final Pattern NAME = Pattern.compile("V(\\d{1,9})__([A-Za-z0-9_]+)\\.sql");

    /** Parses a script's file name and text; the checksum ignores line-ending differences between checkouts. */
    static Migration of(String fileName, String text) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new MigrationException("Migration file '" + fileName
                    + "' is not named V<version>__<description>.sql");
        }
        String normalised = text.replace("\r\n", "\n");
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), normalised,
                sha256(normalised));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
