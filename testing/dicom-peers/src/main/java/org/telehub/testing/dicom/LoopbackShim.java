package org.telehub.testing.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An {@code LD_PRELOAD} library that makes a program's wildcard {@code bind()} bind to loopback.
 *
 * <p>Orthanc, DCMTK's {@code storescp}/{@code dcmqrscp} and PixelMed's SCP listen on all interfaces and have no
 * bind option; with this library preloaded they listen on 127.0.0.1 only (see {@code loopback-shim.c} for the
 * exact rewrite). The peers of this package preload it themselves; use {@link #library()} to preload it into a
 * process of your own, and {@link #listening(long)} to check where a process listens.
 */
public final class LoopbackShim {

    private static final String SOURCE_RESOURCE = "loopback-shim.c";
    private static final String LIBRARY = "libloopback.so";
    private static final Map<Path, Path> BUILT = new HashMap<>();

    private LoopbackShim() {
    }

    /**
     * The shim in the default cache folder: the system property {@code telehub.dicom.peers.cache}, else
     * {@code ~/.cache/telehub-dicom-peers}.
     */
    public static Path library() {
        String cache = System.getProperty("telehub.dicom.peers.cache");
        return library(cache != null
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "telehub-dicom-peers"));
    }

    /**
     * The shim compiled into {@code dir} (with gcc, once: it is reused while its source is unchanged), as an
     * absolute path for {@code LD_PRELOAD}. Safe to call from many threads and JVMs at once.
     */
    public static synchronized Path library(Path dir) {
        Path folder = dir.toAbsolutePath().normalize();
        Path known = BUILT.get(folder);
        if (known != null) {
            return known;
        }
        try {
            String source = source();
            Path library = folder.resolve(LIBRARY);
            Path copy = folder.resolve(SOURCE_RESOURCE);
            if (!Files.isRegularFile(library) || !Files.isRegularFile(copy) || !Files.readString(copy).equals(source)) {
                compile(folder, source);
            }
            BUILT.put(folder, library);
            return library;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the loopback shim in " + folder, e);
        }
    }

    /** Builds in a private temporary folder, then moves into place atomically: concurrent builders do not clash. */
    private static void compile(Path folder, String source) throws IOException {
        Files.createDirectories(folder);
        Path build = Files.createTempDirectory(folder, ".build-");
        try {
            Path src = Files.writeString(build.resolve(SOURCE_RESOURCE), source);
            Path lib = build.resolve(LIBRARY);
            Dcmtk.Result gcc = Dcmtk.run(Duration.ofSeconds(60),
                    List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", lib.toString(), src.toString(), "-ldl"));
            if (gcc.exit() != 0 || !Files.isRegularFile(lib)) {
                throw new IOException("gcc failed (exit " + gcc.exit() + "):\n" + gcc.output());
            }
            Files.move(lib, folder.resolve(LIBRARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(src, folder.resolve(SOURCE_RESOURCE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            try (Stream<Path> left = Files.list(build)) {
                for (Path file : left.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(build);
        }
    }

    private static String source() throws IOException {
        try (InputStream in = LoopbackShim.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SOURCE_RESOURCE + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The TCP addresses the process {@code pid} listens on, from the kernel's own tables rather than a tool's
     * output: the process's socket inodes (the {@code socket:[inode]} links in {@code /proc/<pid>/fd}) matched
     * against the LISTEN rows (state {@code 0A}) of {@code /proc/<pid>/net/tcp} and {@code tcp6}. Needs the
     * right to read the process's {@code fd} folder (same user, or root).
     */
    public static List<InetSocketAddress> listening(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while listing
                }
            }
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (String table : List.of("tcp", "tcp6")) {
                Path file = proc.resolve("net").resolve(table);
                if (!Files.exists(file)) {
                    continue;
                }
                List<String> rows = Files.readAllLines(file);
                for (String line : rows.subList(1, rows.size())) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                        addresses.add(address(f[1]));
                    }
                }
            }
            return addresses;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sockets of process " + pid, e);
        }
    }

    /**
     * {@code 0100007F:2BAF} (IPv4) or 32 hex digits and a port (IPv6): the address is written as 32-bit words,
     * each in the machine's (little-endian) byte order.
     */
    private static InetSocketAddress address(String hex) throws UnknownHostException {
        String[] parts = hex.split(":");
        byte[] raw = new byte[parts[0].length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                raw[word * 4 + b] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(raw), Integer.parseInt(parts[1], 16));
    }
}
