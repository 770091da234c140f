package org.telehub.files.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
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
        byte[] key = MasterKey.load(jdbi, keyFile, directory);
        Files.createDirectories(directory);
        this.cipher = new SegmentedCipher(key);
    }

    static Jdbi migrated(Database database) {
        database.migrate("files", FrameworkUtil.getBundle(FileStoreService.class), "db/migration/files");
        return database.jdbi();
    }

    static Path dataPath(String configured, String name) {
        return configured.isBlank() ? Paths.get(System.getProperty("karaf.data", "data"), "telehub", name)
                : Paths.get(configured);
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
