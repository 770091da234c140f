package org.telehub.testing.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Keycloak distribution, unpacked once per version into a cache folder shared by every test and JVM:
 * system property {@code telehub.keycloak.cache}, else {@code ~/.cache/telehub-keycloak}.
 *
 * <pre>
 * &lt;cache&gt;/&lt;version&gt;/keycloak-&lt;version&gt;/  the pristine distribution (never written to afterwards)
 * &lt;cache&gt;/&lt;version&gt;/lib-quarkus-&lt;key&gt;/      lib/quarkus built for start-dev, per build options
 * &lt;cache&gt;/&lt;version&gt;.lock                    taken while unpacking or publishing, across JVMs
 * </pre>
 *
 * <p>Keycloak's first {@code start-dev} re-augments the server (Quarkus build, ~25-40 s) and writes the result into
 * the home's {@code lib/quarkus}. Each server runs in a home of its own (see {@link Keycloak}), so that result is
 * kept here as a template after the first successful start; later homes start from it and skip that step. The
 * template is relocatable (no absolute paths in it). Should a home's build options differ from its template's
 * anyway, Keycloak notices and builds again by itself.
 */
final class Distribution {

    static final String VERSION;
    private static final String GROUP_ID;
    private static final String ARTIFACT_ID;

    static {
        Properties p = new Properties();
        try (InputStream in = Distribution.class.getResourceAsStream("keycloak.properties")) {
            if (in == null) {
                throw new IllegalStateException("resource keycloak.properties missing");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VERSION = p.getProperty("version");
        GROUP_ID = p.getProperty("groupId");
        ARTIFACT_ID = p.getProperty("artifactId");
    }

    private static Path home;

    private Distribution() {
    }

    static Path cache() {
        String cache = System.getProperty("telehub.keycloak.cache");
        return (cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "telehub-keycloak"))
                .toAbsolutePath().normalize();
    }

    /** The unpacked distribution ({@code bin/kc.sh} inside), unpacking it first if needed. */
    static synchronized Path home() throws IOException {
        if (home != null) {
            return home;
        }
        Path versionDir = cache().resolve(VERSION);
        Path unpacked = versionDir.resolve("keycloak-" + VERSION);
        Path marker = versionDir.resolve(".unpacked");
        if (!Files.isRegularFile(marker)) {
            try (Lock lock = lock()) {
                if (!Files.isRegularFile(marker)) {
                    unpack(zip(), versionDir, unpacked);
                    Files.writeString(marker, VERSION + "\n");
                }
            }
        }
        home = unpacked;
        return home;
    }

    /** The augmented {@code lib/quarkus} an earlier start with the same build options left, or null. */
    static Path template(List<String> buildOptions) throws IOException {
        Path template = templatePath(buildOptions);
        return Files.isDirectory(template) ? template : null;
    }

    private static Path templatePath(List<String> buildOptions) throws IOException {
        return home().getParent().resolve("lib-quarkus-" + Integer.toHexString(buildOptions.hashCode()));
    }

    /** Keeps a started home's {@code lib/quarkus} as the template for its build options, unless there is one. */
    static synchronized void offerTemplate(List<String> buildOptions, Path libQuarkus) throws IOException {
        if (template(buildOptions) != null) {
            return;
        }
        try (Lock lock = lock()) {
            Path template = templatePath(buildOptions);
            if (Files.isDirectory(template)) {
                return;
            }
            Path tmp = Files.createTempDirectory(template.getParent(), ".template-");
            copyTree(libQuarkus, tmp);
            Files.move(tmp, template, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * The zip in the local Maven repository: system property {@code telehub.keycloak.zip}; else under
     * {@code maven.repo.local}; else under the repository this class's Jackson was loaded from (a test run by
     * Maven); else under {@code ~/.m2/repository}.
     */
    static Path zip() {
        String explicit = System.getProperty("telehub.keycloak.zip");
        if (explicit != null) {
            return Path.of(explicit);
        }
        String relative = GROUP_ID.replace('.', '/') + "/" + ARTIFACT_ID + "/" + VERSION + "/" + ARTIFACT_ID + "-"
                + VERSION + ".zip";
        List<Path> repositories = new ArrayList<>();
        String local = System.getProperty("maven.repo.local");
        if (local != null && !local.isBlank()) {
            repositories.add(Path.of(local));
        }
        Path jackson = repositoryOf(ObjectMapper.class, "com/fasterxml/jackson/core/jackson-databind");
        if (jackson != null) {
            repositories.add(jackson);
        }
        repositories.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        for (Path repository : repositories) {
            Path zip = repository.resolve(relative);
            if (Files.isRegularFile(zip)) {
                return zip;
            }
        }
        throw new IllegalStateException("Keycloak " + VERSION + " is not in the local Maven repository (looked in "
                + repositories + " for " + relative + "). Build testing/keycloak (mvn -f testing/keycloak/pom.xml "
                + "install), or: mvn dependency:get -Dtransitive=false -Dartifact=" + GROUP_ID + ":" + ARTIFACT_ID
                + ":" + VERSION + ":zip");
    }

    /** The Maven repository a class was loaded from, if its jar sits at {@code <repo>/<path>/<version>/x.jar}. */
    private static Path repositoryOf(Class<?> type, String path) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            Path dir = jar.getParent() == null ? null : jar.getParent().getParent();
            if (dir == null || !dir.toString().replace('\\', '/').endsWith("/" + path)) {
                return null;
            }
            Path repository = dir;
            for (int i = 0; i < path.split("/").length; i++) {
                repository = repository.getParent();
            }
            return repository;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Unpacks into a temporary folder beside {@code target}, then moves it into place. */
    private static void unpack(Path zip, Path versionDir, Path target) throws IOException {
        Files.createDirectories(versionDir);
        deleteTree(target);
        Path tmp = Files.createTempDirectory(versionDir, ".unpack-");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = tmp.resolve(entry.getName()).normalize();
                if (!out.startsWith(tmp)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out);
                }
                // java.util.zip does not expose the Unix mode: the scripts are what needs it
                if (out.getFileName().toString().endsWith(".sh")) {
                    out.toFile().setExecutable(true, false);
                }
            }
            Path top = tmp.resolve("keycloak-" + VERSION);
            if (!Files.isRegularFile(top.resolve("bin/kc.sh"))) {
                throw new IOException(zip + " has no keycloak-" + VERSION + "/bin/kc.sh");
            }
            Files.move(top, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(tmp);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a folder and what is in it; symbolic links are removed, never followed. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir)) {
            Files.delete(dir);
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** An exclusive lock on {@code <cache>/<version>.lock}, across JVMs. */
    private static Lock lock() throws IOException {
        Path file = cache().resolve(VERSION + ".lock");
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new Lock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
