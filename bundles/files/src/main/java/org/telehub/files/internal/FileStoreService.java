package org.telehub.files.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.persistence.Database;

/**
 * The {@link FileStore}: encrypted content in a directory (written to a temporary name, synced, then renamed),
 * the record in {@code file_object} only once the content is complete.
 */
@Component(service = FileStore.class, configurationPid = "org.telehub.files")
@Designate(ocd = FilesConfig.class)
public class FileStoreService implements FileStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Jdbi jdbi;
    private final Path directory;
    private final SegmentedCipher cipher;

    @Activate
    public FileStoreService(@Reference Database database, FilesConfig config) throws IOException {
        this(migrated(database), dataPath(config.directory(), "files"), dataPath(config.keyFile(), "files.key"));
    }

    FileStoreService(Jdbi jdbi, Path directory, Path keyFile) throws IOException {
        this.jdbi = jdbi;
        this.directory = directory;
        Files.createDirectories(directory);
        if (!Files.exists(keyFile)) {
            refuseNewKeyOverStoredFiles(jdbi, directory, keyFile);
        }
        this.cipher = new SegmentedCipher(masterKey(keyFile));
    }

    /**
     * A missing key with files still stored means the key was lost (deleted, a volume not mounted, a wrong path
     * in the configuration), not a first start. A fresh key would make every stored file unreadable for good and
     * hide the loss until someone opens an image, so the store does not start.
     */
    private static void refuseNewKeyOverStoredFiles(Jdbi jdbi, Path directory, Path keyFile) throws IOException {
        long records = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM file_object").mapTo(Long.class)
                .one());
        boolean contents;
        try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
            contents = files.anyMatch(Files::isRegularFile);
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

    private static Jdbi migrated(Database database) {
        database.migrate("files", FrameworkUtil.getBundle(FileStoreService.class), "db/migration/files");
        return database.jdbi();
    }

    private static Path dataPath(String configured, String name) {
        return configured.isBlank() ? Paths.get(System.getProperty("karaf.data", "data"), "telehub", name)
                : Paths.get(configured);
    }

    static synchronized byte[] masterKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                return decode(file);
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
            return key;
        }
        return decode(file);
    }

    private static byte[] decode(Path file) throws IOException {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length != 32) {
                throw new IOException("the file store key " + file + " is not a 256-bit key");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IOException("the file store key " + file + " is not Base64", e);
        }
    }

    @Override
    public StoredFile put(InputStream content, String contentType, String category) throws IOException {
        String id = UUID.randomUUID().toString();
        Path target = path(id);
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(id + ".partial");
        MessageDigest sha = sha256();
        long size;
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream file = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel),
                        SegmentedCipher.SEGMENT);
                try (OutputStream out = new DigestOutputStream(cipher.encrypt(new NonClosing(file), id), sha)) {
                    size = content.transferTo(out);
                }
                file.flush();
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            StoredFile stored = new StoredFile(id, contentType, category, size, SegmentedCipher.hex(sha),
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO file_object (id, content_type, category, size_bytes, "
                    + "sha256, created_at) VALUES (:id, :contentType, :category, :size, :sha256, :createdAt)")
                    .bindMethods(stored).execute());
            return stored;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public Optional<StoredFile> find(String id) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT id, content_type, category, size_bytes, sha256, "
                + "created_at FROM file_object WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new StoredFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getObject(6, java.time.OffsetDateTime.class).toInstant()))
                .findOne());
    }

    @Override
    public InputStream open(String id) throws IOException {
        if (find(id).isEmpty()) {
            throw new NoSuchFileException("no stored file " + id);
        }
        return cipher.decrypt(new java.io.BufferedInputStream(Files.newInputStream(path(id)),
                SegmentedCipher.SEGMENT + 16), id);
    }

    @Override
    public boolean delete(String id) throws IOException {
        if (!ID.matcher(id).matches()) {
            return false;
        }
        int rows = jdbi.withHandle(h -> h.createUpdate("DELETE FROM file_object WHERE id = :id").bind("id", id)
                .execute());
        Files.deleteIfExists(path(id));
        return rows > 0;
    }

    Jdbi jdbiForTest() {
        return jdbi;
    }

    private Path path(String id) {
        return directory.resolve(id.substring(0, 2)).resolve(id);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    /** Lets the cipher's close() finish its last segment without closing the channel we still have to sync. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
