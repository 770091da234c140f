package org.telehub.files.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret box on a real PostgreSQL with the bundle's migrations: sealed values open only with the key file that
 * sealed them and for their own context; a lost or wrong key is refused by name, never replaced.
 */
class SecretBoxServiceTest {
    private static final String SECRET = "portal-shared-secret-0123 ünïcode";

    @TempDir
    Path dir;

    @Test
    void aSealedSecretOpensOnlyForItsContextAndHoldsNoPlainText() throws Exception {
        Jdbi jdbi = FileStoreServiceTest.migratedDatabase();
        SecretBoxService box = new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key"));
        String a = box.seal(SECRET, "encounter_webhook.secret:1");
        String b = box.seal(SECRET, "encounter_webhook.secret:1");
        assertTrue(box.isSealed(a) && a.startsWith("sb1:"), a);
        assertNotEquals(a, b, "a fresh nonce each time");
        assertFalse(a.contains("portal") || new String(Base64.getDecoder().decode(a.substring(4)),
                StandardCharsets.ISO_8859_1).contains("portal"), "no plain text in the sealed form");
        assertEquals(SECRET, box.open(a, "encounter_webhook.secret:1"));
        assertEquals(SECRET, new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key"))
                .open(b, "encounter_webhook.secret:1"), "the next start opens it with the same key file");

        IllegalStateException moved = assertThrows(IllegalStateException.class,
                () -> box.open(a, "encounter_webhook.secret:2"));
        assertTrue(moved.getMessage().contains(dir.resolve("key").toAbsolutePath().toString()), moved.getMessage());
        byte[] raw = Base64.getDecoder().decode(a.substring(4));
        raw[raw.length - 20] ^= 1;
        String altered = "sb1:" + Base64.getEncoder().encodeToString(raw);
        assertThrows(IllegalStateException.class, () -> box.open(altered, "encounter_webhook.secret:1"));
        assertFalse(box.isSealed(SECRET));
        assertThrows(IllegalArgumentException.class, () -> box.open(SECRET, "encounter_webhook.secret:1"),
                "a plain value is not taken for a sealed one");
    }

    /** Fails on a box that makes a key of its own when the file is missing: every sealed secret would be lost. */
    @Test
    void aLostKeyIsRefusedByNameAndNotReplaced() throws Exception {
        Jdbi jdbi = FileStoreServiceTest.migratedDatabase();
        SecretBoxService box = new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key"));
        String sealed = box.seal(SECRET, "c");
        byte[] key = Files.readAllBytes(dir.resolve("key"));
        Files.delete(dir.resolve("key"));
        IOException e = assertThrows(IOException.class,
                () -> new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key")));
        assertTrue(e.getMessage().contains(dir.resolve("key").toAbsolutePath() + " is missing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("key")), "no new key written");
        assertThrows(IOException.class, () -> new FileStoreService(jdbi, dir.resolve("files"), dir.resolve("key")),
                "nor by the file store, though it holds no file yet");

        Files.writeString(dir.resolve("other"), Base64.getEncoder().encodeToString(new byte[32]));
        e = assertThrows(IOException.class, () -> new SecretBoxService(jdbi, dir.resolve("files"),
                dir.resolve("other")));
        assertTrue(e.getMessage().contains(dir.resolve("other").toAbsolutePath() + " is not the key"),
                e.getMessage());

        Files.write(dir.resolve("key"), key);
        assertEquals(SECRET, new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key")).open(sealed, "c"),
                "the restored key opens it again");
    }

    /** The file store and the box share one key: a file stored before the box existed still reads. */
    @Test
    void theFileStoreAndTheBoxShareOneKeyFile() throws Exception {
        Jdbi jdbi = FileStoreServiceTest.migratedDatabase();
        FileStoreService store = new FileStoreService(jdbi, dir.resolve("files"), dir.resolve("key"));
        String id = store.put(new ByteArrayInputStream(new byte[] {7}), "x/y", "test").id();
        String sealed = new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key")).seal(SECRET, "c");
        FileStoreService again = new FileStoreService(jdbi, dir.resolve("files"), dir.resolve("key"));
        assertEquals(7, again.open(id).read());
        assertEquals(SECRET, new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key")).open(sealed, "c"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("files", "key"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary key file left behind");
        }
    }

    /**
     * Nodes starting at once on a fresh database and a shared directory end with one key: every one of them opens
     * what any other sealed. (A check of agreement, not a proof against the write race: create-then-write of the
     * key file passed it in 3 of 3 runs, the racing window being too small here; the key is linked into place
     * whole for that reason.)
     */
    @Test
    void nodesStartingAtOnceAgreeOnOneKey() throws Exception {
        Jdbi jdbi = FileStoreServiceTest.migratedDatabase();
        int nodes = 8;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<SecretBoxService>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Callable<SecretBoxService> node = () -> {
                    start.await();
                    return new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("key"));
                };
                started.add(pool.submit(node));
            }
            Set<String> opened = new HashSet<>();
            for (Future<SecretBoxService> a : started) {
                String sealed = a.get().seal(SECRET, "c");
                for (Future<SecretBoxService> b : started) {
                    opened.add(b.get().open(sealed, "c"));
                }
            }
            assertEquals(Set.of(SECRET), opened);
        } finally {
            pool.shutdownNow();
        }
    }
}
