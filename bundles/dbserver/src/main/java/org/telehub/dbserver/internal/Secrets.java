package org.telehub.dbserver.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The database passwords: generated once, kept in a file only the hub's user can read (like the broker's secret),
 * so no installation shares a default password and nobody has to type one. Base64url: no quote or space in it.
 */
final class Secrets {
    private Secrets() {
    }

    static synchronized String read(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] raw = new byte[24];
                new SecureRandom().nextBytes(raw);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                    Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
                            StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException raced) {
                    // written a moment ago
                }
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty() || !secret.matches("[A-Za-z0-9_-]+")) {
                throw new DbServerException("the secret file " + file + " is empty or holds characters other than"
                        + " A-Z a-z 0-9 _ -: delete it only together with the database directory");
            }
            return secret;
        } catch (IOException e) {
            throw new DbServerException("cannot read or create the secret " + file + ": " + e);
        }
    }
}
