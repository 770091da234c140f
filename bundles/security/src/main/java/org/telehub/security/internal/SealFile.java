package org.telehub.security.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The newest seal kept outside the database, beside the hub's data: whoever can delete rows and seals in the
 * database cannot also roll this file back unless they own the hub's machine too. Written owner-only, to a temporary
 * file that is synced and then renamed over the old one, so a crash leaves the old stamp or the new, never half.
 */
final class SealFile {
    private final Path path;

    SealFile(Path path) {
        this.path = path;
    }

    /** What the file says: the seal, the highest sequence number it covers, its hash. */
    record Stamp(long sealId, long highSeq, String hash) {
    }

    Path path() {
        return path;
    }

    /** The stamp, or null if there is no file yet. */
    Stamp read() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit seal file " + path, e);
        }
        try {
            return new Stamp(Long.parseLong(p.getProperty("seal")), Long.parseLong(p.getProperty("highSeq")),
                    p.getProperty("hash").trim());
        } catch (RuntimeException e) {
            throw new IllegalStateException("The audit seal file " + path + " is damaged", e);
        }
    }

    void write(Stamp stamp) {
        Properties p = new Properties();
        p.setProperty("seal", Long.toString(stamp.sealId()));
        p.setProperty("highSeq", Long.toString(stamp.highSeq()));
        p.setProperty("hash", stamp.hash());
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringWriter text = new StringWriter();
            p.store(text, "The newest audit seal (Telehub); compared with the database by telehub:audit-verify");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.UTF_8.encode(text.toString()));
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit seal file " + path, e);
        }
    }
}
