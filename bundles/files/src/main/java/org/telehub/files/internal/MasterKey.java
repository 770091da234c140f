package org.telehub.files.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The hub's master key: 256 bits in a file outside the database (Base64, owner-only), shared by the file store and
 * the secret box. Its check value is recorded in the database at first use, so a start can tell a first start from a
 * lost key, and a wrong key (another installation's, a node with a key file of its own) is refused at once, by the
 * file's name, instead of writing data that only it can read. Never a new key over data sealed with the old one.
 */
final class MasterKey {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final byte[] CHECK_LABEL = "telehub key check 1".getBytes(StandardCharsets.US_ASCII);

    private MasterKey() {
    }

    /**
     * The key in {@code keyFile}, created if no key was ever used with this database and no file is stored in
     * {@code filesDirectory}; checked against the database's check value otherwise.
     */
    static byte[] load(Jdbi jdbi, Path keyFile, Path filesDirectory) throws IOException {
        Optional<String> recorded = recorded(jdbi);
        if (!Files.exists(keyFile)) {
            refuseNewKeyOverStoredFiles(jdbi, filesDirectory, keyFile);
            if (recorded.isPresent()) {
                throw new IOException("the master key " + keyFile.toAbsolutePath() + " is missing, but this "
                        + "database holds files and secrets sealed with it (key check recorded): they can only be "
                        + "read with that key. Restore the key file from your backup (or correct keyFile in "
                        + "etc/org.telehub.files.cfg); no new key is made.");
            }
            create(keyFile);
        }
        byte[] key = decode(keyFile);
        String check = check(key);
        if (recorded.isEmpty()) {
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO files_key_check (id, check_value, created_at) "
                        + "VALUES (1, :c, :t)").bind("c", check)
                        .bind("t", OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)).execute());
            } catch (UnableToExecuteStatementException raced) {
                // another node recorded its key first: compared below
            }
            recorded = recorded(jdbi);
        }
        if (!recorded.orElseThrow().equals(check)) {
            throw new IOException("the master key " + keyFile.toAbsolutePath() + " is not the key this database's "
                    + "files and secrets were sealed with (its check value differs). Put the right key file in "
                    + "place (every node shares one), or correct keyFile in etc/org.telehub.files.cfg.");
        }
        return key;
    }

    private static Optional<String> recorded(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT check_value FROM files_key_check WHERE id = 1")
                .mapTo(String.class).findOne());
    }

    static String check(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(m.doFinal(CHECK_LABEL));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A missing key with files still stored means the key was lost (deleted, a volume not mounted, a wrong path
     * in the configuration), not a first start. A fresh key would make every stored file unreadable for good and
     * hide the loss until someone opens an image, so the store does not start.
     */
    private static void refuseNewKeyOverStoredFiles(Jdbi jdbi, Path directory, Path keyFile) throws IOException {
        long records = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM file_object").mapTo(Long.class)
                .one());
        boolean contents = false;
        if (Files.isDirectory(directory)) {
            try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
                contents = files.anyMatch(Files::isRegularFile);
            }
        }
        if (records > 0 || contents) {
            throw new IOException("the file store key " + keyFile.toAbsolutePath() + " is missing, but "
                    + (records > 0 ? records + " stored files are recorded" : "stored files exist") + " (in "
                    + directory.toAbsolutePath() + "): they can only be read with the key that wrote them. Restore "
                    + "the key file from your backup (or correct keyFile in etc/org.telehub.files.cfg). Only to "
                    + "give up every stored file: delete that directory and the rows of table file_object, then "
                    + "start again and a new key is made.");
        }
    }

    /**
     * Writes a new key under a temporary name and links it into place: a node starting at the same moment on the
     * same directory either sees no key file or a complete one, never an empty file, and only one key wins.
     */
    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path temp;
        try {
            temp = Files.createTempFile(dir, ".files-key", ".new", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            temp = Files.createTempFile(dir, ".files-key", ".new");
        }
        try {
            Files.writeString(temp, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII,
                    java.nio.file.StandardOpenOption.SYNC);
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException raced) {
            // another node (or component) made it first: theirs is used
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] decode(Path file) throws IOException {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length != 32) {
                throw new IOException("the master key " + file + " is not a 256-bit key");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IOException("the master key " + file + " is not Base64", e);
        }
    }
}
