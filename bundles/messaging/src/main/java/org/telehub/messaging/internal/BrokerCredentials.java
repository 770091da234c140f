package org.telehub.messaging.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The broker account: configured, or for the embedded broker a secret generated once and kept in a file only the
 * hub's user can read. The client and the embedded broker's login module read the same secret, so nothing has to
 * be typed in and no installation shares a default password.
 */
record BrokerCredentials(String username, String password) {

    static BrokerCredentials of(MessagingConfig config) {
        if (!config.password().isEmpty()) {
            return new BrokerCredentials(config.username(), config.password());
        }
        return new BrokerCredentials(config.username(), secret(secretFile(config)));
    }

    static Path secretFile(MessagingConfig config) {
        if (!config.secretFile().isEmpty()) {
            return Paths.get(config.secretFile());
        }
        return Paths.get(System.getProperty("karaf.data", "data"), "telehub", "broker.secret");
    }

    static synchronized String secret(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] raw = new byte[24];
                new SecureRandom().nextBytes(raw);
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
                    Files.writeString(file, secret, StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException raced) {
                    // written by the other component of this bundle a moment ago
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, secret, StandardCharsets.UTF_8);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the broker secret " + file, e);
        }
    }

    @Override
    public String toString() {
        return "BrokerCredentials[username=" + username + ", password=***]";
    }
}
