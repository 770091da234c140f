package org.telehub.files.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.jdbi.v3.core.Jdbi;
import org.telehub.files.FileStore;
import org.telehub.files.FileTypes;
import org.telehub.files.SecretBox;
import org.telehub.files.VirusScanner;

/**
 * The files bundle's real services for other bundles' tests (from this bundle's test jar): the encrypted store and
 * the secret box on a key under {@code dir}, Tika's typing, and the clamd client.
 */
public final class TestFiles {
    private TestFiles() {
    }

    /** Applies the files bundle's migrations to {@code jdbi} (a fresh test database). */
    public static void migrate(Jdbi jdbi) throws IOException {
        for (String m : new String[] {"V1__file_object.sql", "V2__key_check.sql", "V3__file_appending.sql"}) {
            try (InputStream in = TestFiles.class.getResourceAsStream("/db/migration/files/" + m)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
    }

    /** The encrypted store in {@code dir}/files with the key {@code dir}/files.key (migrate first). */
    public static FileStore store(Jdbi jdbi, Path dir) throws IOException {
        return new FileStoreService(jdbi, dir.resolve("files"), dir.resolve("files.key"));
    }

    public static SecretBox secretBox(Jdbi jdbi, Path dir) throws IOException {
        return new SecretBoxService(jdbi, dir.resolve("files"), dir.resolve("files.key"));
    }

    public static FileTypes types() {
        return new TikaFileTypes();
    }

    /** The clamd client towards 127.0.0.1:{@code port}. */
    public static VirusScanner clamd(int port) {
        return new ClamdScanner("127.0.0.1", port, 2000, 30000);
    }
}
