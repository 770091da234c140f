package org.telehub.files.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telehub.files.StoredFile;
import org.telehub.persistence.TestDatabases;

/** The file store on a real PostgreSQL with its own migration; the stored form checked byte by byte. */
class FileStoreServiceTest {
    @TempDir
    Path dir;

    /** Sizes around the 64 KiB segment boundary, empty included. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 3 * 65_536, 300_001})
    void contentRoundTripsAndIsNotStoredInTheClear(int size) throws Exception {
        FileStoreService store = store();
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        StoredFile f = store.put(new ByteArrayInputStream(content), "application/dicom", "dicom");
        assertEquals(size, f.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), f.sha256());
        assertEquals(f, store.find(f.id()).orElseThrow());
        try (InputStream in = store.open(f.id())) {
            assertArrayEquals(content, in.readAllBytes());
        }
        byte[] raw = Files.readAllBytes(stored(f.id()));
        int segments = Math.max(1, (size + 65_535) / 65_536);
        assertEquals(20 + size + 16L * segments, raw.length, "header, content, one tag per segment");
        if (size >= 64) {
            byte[] window = java.util.Arrays.copyOfRange(content, 0, 64);
            assertFalse(indexOf(raw, window) >= 0, "plain bytes must not appear in the stored form");
        }
        try (Stream<Path> left = Files.walk(dir.resolve("files"))) {
            assertFalse(left.anyMatch(p -> p.toString().endsWith(".partial")));
        }
    }

    @Test
    void tamperingTruncationAndAppendingAreDetected() throws Exception {
        FileStoreService store = store();
        byte[] content = "x".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
        StoredFile f = store.put(new ByteArrayInputStream(content), "text/plain", "test");
        Path p = stored(f.id());
        byte[] good = Files.readAllBytes(p);

        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(100_000);
            int b = raf.read();
            raf.seek(100_000);
            raf.write(b ^ 1);
        }
        assertUnreadable(store, f.id(), "integrity");

        // cut exactly at a segment boundary: without the last-segment flag this would pass as a shorter file
        Files.write(p, java.util.Arrays.copyOf(good, 20 + 2 * (65_536 + 16)));
        assertUnreadable(store, f.id(), "integrity");

        byte[] longer = java.util.Arrays.copyOf(good, good.length + 10);
        Files.write(p, longer);
        assertUnreadable(store, f.id(), "integrity");

        Files.write(p, good);
        try (InputStream in = store.open(f.id())) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void deleteRemovesContentAndRecord() throws Exception {
        FileStoreService store = store();
        StoredFile f = store.put(new ByteArrayInputStream(new byte[10]), "application/octet-stream", "test");
        assertTrue(store.delete(f.id()));
        assertFalse(Files.exists(stored(f.id())));
        assertTrue(store.find(f.id()).isEmpty());
        assertThrows(NoSuchFileException.class, () -> store.open(f.id()));
        assertFalse(store.delete(f.id()));
        assertFalse(store.delete("../../etc/passwd"));
    }

    @Test
    void aFailingSourceLeavesNothingBehind() throws Exception {
        FileStoreService store = store();
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100_000) {
                    throw new IOException("client went away");
                }
                return 7;
            }
        };
        assertThrows(IOException.class, () -> store.put(failing, "application/dicom", "dicom"));
        try (Stream<Path> files = Files.walk(dir.resolve("files"))) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void theKeyIsCreatedOwnerOnlyAndReused() throws Exception {
        FileStoreService first = store();
        StoredFile f = first.put(new ByteArrayInputStream(new byte[] {1, 2, 3}), "x/y", "test");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key"))));
        FileStoreService second = new FileStoreService(first.jdbiForTest(), dir.resolve("files"), dir.resolve("key"));
        try (InputStream in = second.open(f.id())) {
            assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
        }
        // another key (another installation's, a node with its own key file) is refused at start, by name
        Files.writeString(dir.resolve("otherkey"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        IOException e = assertThrows(IOException.class, () -> new FileStoreService(first.jdbiForTest(),
                dir.resolve("files"), dir.resolve("otherkey")));
        assertTrue(e.getMessage().contains(dir.resolve("otherkey").toAbsolutePath() + " is not the key"),
                e.getMessage());
    }

    @Test
    void aLostKeyIsNotReplacedWhileFilesAreStored() throws Exception {
        FileStoreService first = store();
        StoredFile f = first.put(new ByteArrayInputStream(new byte[] {4, 5, 6}), "x/y", "test");
        byte[] key = Files.readAllBytes(dir.resolve("key"));
        Files.delete(dir.resolve("key"));
        IOException e = assertThrows(IOException.class,
                () -> new FileStoreService(first.jdbiForTest(), dir.resolve("files"), dir.resolve("key")));
        assertTrue(e.getMessage().contains(dir.resolve("key").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("1 stored files") && e.getMessage().contains("Restore"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("key")), "no new key written");

        // the content alone (records lost, e.g. a restored database) is enough to refuse
        first.jdbiForTest().useHandle(h -> h.execute("DELETE FROM file_object"));
        e = assertThrows(IOException.class,
                () -> new FileStoreService(first.jdbiForTest(), dir.resolve("files"), dir.resolve("key")));
        assertTrue(e.getMessage().contains("stored files exist"), e.getMessage());

        Files.write(dir.resolve("key"), key);
        first.jdbiForTest().useHandle(h -> h.createUpdate("INSERT INTO file_object (id, content_type, category, "
                + "size_bytes, sha256, created_at) VALUES (:id, :contentType, :category, :size, :sha256, "
                + ":createdAt)").bindMethods(f).execute());
        try (InputStream in = new FileStoreService(first.jdbiForTest(), dir.resolve("files"), dir.resolve("key"))
                .open(f.id())) {
            assertArrayEquals(new byte[] {4, 5, 6}, in.readAllBytes(), "the restored key reads the file again");
        }
    }

    @Test
    void aStoredFileIsBoundToItsId() throws Exception {
        FileStoreService store = store();
        StoredFile a = store.put(new ByteArrayInputStream("patient A".getBytes(StandardCharsets.UTF_8)), "text/plain",
                "test");
        StoredFile b = store.put(new ByteArrayInputStream("patient B".getBytes(StandardCharsets.UTF_8)), "text/plain",
                "test");
        byte[] aBytes = Files.readAllBytes(stored(a.id()));
        Files.copy(stored(b.id()), stored(a.id()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertUnreadable(store, a.id(), "integrity");
        Files.write(stored(b.id()), aBytes);
        assertUnreadable(store, b.id(), "integrity");
        Files.write(stored(a.id()), aBytes);
        try (InputStream in = store.open(a.id())) {
            assertEquals("patient A", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void assertUnreadable(FileStoreService store, String id, String reason) {
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = store.open(id)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains(reason) || e.getMessage().contains("truncated"), e.getMessage());
    }

    /**
     * A growing file: what each sync returned for is kept whole through a "crash" (the writer let go, the bytes it
     * was writing cut at every possible place), recovered once and read back; an unfinished file is not listed and
     * not readable until then, and never stored in the clear.
     */
    @Test
    void appendedFileKeepsEverySyncThroughACrashCutAnywhere() throws Exception {
        FileStoreService store = store();
        byte[] first = new byte[70_000]; // more than one record in one sync
        new Random(1).nextBytes(first);
        byte[] second = "the second second of the recording".getBytes(StandardCharsets.UTF_8);
        Path raw;
        long synced;
        try (org.telehub.files.Appending a = store.append("audio/webm", "recording")) {
            a.write(first, 0, first.length);
            assertEquals(70_000, a.sync());
            a.write(second, 0, second.length);
            synced = a.sync();
            raw = stored(a.id());
            assertTrue(store.find(a.id()).isEmpty(), "not listed while it grows");
            assertThrows(NoSuchFileException.class, () -> store.open(a.id()));
        }
        assertEquals(70_000 + second.length, synced);
        byte[] whole = Files.readAllBytes(raw);
        assertTrue(indexOf(whole, java.util.Arrays.copyOf(first, 64)) < 0, "not in the clear");
        String id = raw.getFileName().toString();
        // a record of the next sync cut by the crash at every length: recovery keeps the two synced records only
        byte[] extra = new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int cut = 0; cut <= extra.length; cut++) {
            Path copy = dir.resolve("copy-" + cut);
            Files.write(copy, whole);
            Files.write(copy, java.util.Arrays.copyOf(extra, cut), java.nio.file.StandardOpenOption.APPEND);
            Files.copy(copy, raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (cut < extra.length) {
                continue; // recovery is once; the longest cut is checked below, the others only have to be kept
            }
            StoredFile f = store.recover(id);
            assertEquals(synced, f.size());
            byte[] expected = java.util.Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, expected, first.length, second.length);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected)),
                    f.sha256());
            try (InputStream in = store.open(id)) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            assertEquals(f, store.recover(id), "recovering again answers the same file");
        }
        assertThrows(NoSuchFileException.class, () -> store.recover(java.util.UUID.randomUUID().toString()));
    }

    @Test
    void finishedAppendedFileReadsWholeAndRefusesCutsAndChanges() throws Exception {
        FileStoreService store = store();
        String id;
        StoredFile f;
        try (org.telehub.files.Appending a = store.append("audio/webm", "recording")) {
            id = a.id();
            for (int i = 0; i < 50; i++) {
                byte[] b = ("chunk " + i + ";").getBytes(StandardCharsets.UTF_8);
                a.write(b, 0, b.length);
                if (i % 7 == 0) {
                    a.sync();
                }
            }
            f = a.finish();
            assertThrows(IOException.class, () -> a.write(new byte[1], 0, 1));
        }
        assertEquals(f, store.find(id).orElseThrow());
        String text = new String(store.open(id).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("chunk 0;chunk 1;") && text.endsWith("chunk 49;"), text);
        Path raw = stored(id);
        byte[] whole = Files.readAllBytes(raw);
        // its last record cut off: the cut is seen, not a shorter file read as whole
        Files.write(raw, java.util.Arrays.copyOf(whole, whole.length - 20));
        assertThrows(IOException.class, () -> store.open(id).readAllBytes());
        byte[] flipped = whole.clone();
        flipped[30] ^= 1;
        Files.write(raw, flipped);
        assertThrows(IOException.class, () -> store.open(id).readAllBytes());
        // a crash right after the file began: recovered as an empty file
        String empty;
        try (org.telehub.files.Appending a = store.append("audio/webm", "recording")) {
            empty = a.id();
        }
        assertEquals(0, store.recover(empty).size());
        assertEquals(0, store.open(empty).readAllBytes().length);
        assertTrue(store.delete(empty));
    }

    private Path stored(String id) {
        return dir.resolve("files").resolve(id.substring(0, 2)).resolve(id);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private FileStoreService store() throws IOException {
        return new FileStoreService(migratedDatabase(), dir.resolve("files"), dir.resolve("key"));
    }

    /** A new PostgreSQL database with the bundle's migrations applied, in order. */
    static Jdbi migratedDatabase() throws IOException {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        for (String script : java.util.List.of("V1__file_object.sql", "V2__key_check.sql",
                "V3__file_appending.sql")) {
            try (InputStream in = FileStoreServiceTest.class.getResourceAsStream("/db/migration/files/" + script)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        return jdbi;
    }
}
