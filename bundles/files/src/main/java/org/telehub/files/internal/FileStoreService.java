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
import org.telehub.files.Appending;
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
    public Appending append(String contentType, String category) throws IOException {
        String id = UUID.randomUUID().toString();
        Path target = path(id);
        Files.createDirectories(target.getParent());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // listed first, so that whatever reaches the directory is found and recovered
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO file_appending (id, content_type, category, created_at) "
                + "VALUES (:id, :contentType, :category, :createdAt)").bind("id", id).bind("contentType", contentType)
                .bind("category", category).bind("createdAt", now).execute());
        try {
            return new AppendingFile(id, contentType, category, now, target);
        } catch (IOException | RuntimeException e) {
            jdbi.useHandle(h -> h.execute("DELETE FROM file_appending WHERE id = ?", id));
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public synchronized StoredFile recover(String id) throws IOException {
        Optional<StoredFile> whole = find(id);
        if (whole.isPresent()) {
            return whole.get();
        }
        Optional<String[]> open = !ID.matcher(id).matches() ? Optional.empty() : jdbi.withHandle(h -> h
                .createQuery("SELECT content_type, category FROM file_appending WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne());
        if (open.isEmpty()) {
            throw new NoSuchFileException("no file " + id + " being appended");
        }
        Path target = path(id);
        Files.createDirectories(target.getParent());
        AppendCipher records = new AppendCipher(cipher);
        MessageDigest sha = sha256();
        long size = 0;
        long kept;
        long index = 0;
        byte[] header;
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    java.nio.channels.Channels.newInputStream(channel.position(0)), SegmentedCipher.SEGMENT));
            header = in.readNBytes(SegmentedCipher.HEADER);
            if (header.length < SegmentedCipher.HEADER || !AppendCipher.isAppended(header)) {
                header = AppendCipher.header(); // nothing (or part of the header) was written: an empty file
                kept = 0;
            } else {
                kept = header.length;
                javax.crypto.spec.SecretKeySpec key = records.key(header);
                byte[] aad = SegmentedCipher.associated(header, id);
                while (true) {
                    AppendCipher.Record r;
                    try {
                        r = AppendCipher.next(in, key, aad, index);
                    } catch (IOException cut) {
                        r = null; // a record the crash cut inside its bytes: dropped with everything after it
                    }
                    if (r == null || r.last()) {
                        break;
                    }
                    sha.update(r.plain());
                    size += r.plain().length;
                    kept += r.stored();
                    index++;
                }
            }
            channel.truncate(kept);
            channel.position(kept);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.wrap(kept == 0 ? concat(header, records.record(header, id,
                    0, true, new byte[0], 0)) : records.record(header, id, index, true, new byte[0], 0));
            while (tail.hasRemaining()) {
                channel.write(tail);
            }
            channel.force(true);
        }
        String[] kind = open.get();
        return listed(new StoredFile(id, kind[0], kind[1], size, SegmentedCipher.hex(sha),
                Instant.now().truncatedTo(ChronoUnit.MICROS)));
    }

    /** Moves an appended file from {@code file_appending} to {@code file_object}, at once. */
    private StoredFile listed(StoredFile stored) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO file_object (id, content_type, category, size_bytes, sha256, created_at) "
                    + "VALUES (:id, :contentType, :category, :size, :sha256, :createdAt)").bindMethods(stored)
                    .execute();
            h.execute("DELETE FROM file_appending WHERE id = ?", stored.id());
        });
        return stored;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One appended file's writer: a record per sync, each synced to the disk before sync returns. */
    private final class AppendingFile implements Appending {
        private final String id;
        private final String contentType;
        private final String category;
        private final FileChannel channel;
        private final byte[] header = AppendCipher.header();
        private final AppendCipher records = new AppendCipher(cipher);
        private final MessageDigest sha = sha256();
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private long index;
        private long size;
        private boolean closed;

        AppendingFile(String id, String contentType, String category, Instant createdAt, Path target)
                throws IOException {
            this.id = id;
            this.contentType = contentType;
            this.category = category;
            this.channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                writeFully(java.nio.ByteBuffer.wrap(header));
                channel.force(true);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            open();
            pending.write(b, off, len);
        }

        @Override
        public long sync() throws IOException {
            open();
            byte[] data = pending.toByteArray();
            pending.reset();
            for (int off = 0; off < data.length; off += AppendCipher.MAX_RECORD) {
                int n = Math.min(AppendCipher.MAX_RECORD, data.length - off);
                byte[] part = java.util.Arrays.copyOfRange(data, off, off + n);
                writeFully(java.nio.ByteBuffer.wrap(records.record(header, id, index, false, part, n)));
                index++;
                sha.update(part);
                size += n;
            }
            if (data.length > 0) {
                channel.force(false);
            }
            return size;
        }

        @Override
        public StoredFile finish() throws IOException {
            sync();
            writeFully(java.nio.ByteBuffer.wrap(records.record(header, id, index++, true, new byte[0], 0)));
            channel.force(true);
            close();
            return listed(new StoredFile(id, contentType, category, size, SegmentedCipher.hex(sha),
                    Instant.now().truncatedTo(ChronoUnit.MICROS)));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    channel.close();
                } catch (IOException e) {
                    // what was synced is on the disk; the channel has nothing more to give back
                }
            }
        }

        private void open() throws IOException {
            if (closed) {
                throw new IOException("appended file " + id + " is closed");
            }
        }

        private void writeFully(java.nio.ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                channel.write(b);
            }
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
                .execute() + h.createUpdate("DELETE FROM file_appending WHERE id = :id").bind("id", id).execute());
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
