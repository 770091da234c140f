package org.telehub.dbserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One PostgreSQL data directory driven through Debian's binaries ({@code initdb}, {@code pg_ctl}): the only place
 * that starts processes. PostgreSQL refuses to run as root, so when the hub is root every command runs as the
 * configured system user through {@code runuser} (util-linux, on every Debian); otherwise as the hub's own user.
 */
final class PgCluster {
    /** What the server is configured with on every start (rewritten each time, so a changed port applies). */
    static final String CONF = "telehub.conf";
    private static final String INCLUDE = "include '" + CONF + "'";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    final Path dataDir;
    final Path binDir;
    final int major;
    final int port;
    /** Whom the server runs as when the hub is root; null when the hub is not root. */
    final String osUser;
    private final long timeoutSeconds;

    PgCluster(Path dataDir, Path binDir, int port, String osUser, long timeoutSeconds) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.binDir = binDir;
        this.port = port;
        this.osUser = osUser;
        this.timeoutSeconds = timeoutSeconds;
        this.major = majorOf(run(List.of(binDir.resolve("pg_ctl").toString(), "--version"), false));
    }

    /** The newest {@code /usr/lib/postgresql/<major>/bin} with a {@code pg_ctl}, as Debian installs it. */
    static Path detectBinDir(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(p -> numeric(p.getParent().getFileName().toString())))
                    .orElseThrow(() -> new DbServerException("no PostgreSQL server binaries under " + root
                            + ": install Debian's postgresql package (./telehub run does) or set binDirectory in"
                            + " etc/org.telehub.dbserver.cfg"));
        } catch (IOException e) {
            throw new DbServerException("no PostgreSQL server binaries (" + root + " unreadable: " + e.getMessage()
                    + "): install Debian's postgresql package (./telehub run does)");
        }
    }

    private static int numeric(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static int majorOf(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            throw new DbServerException("cannot tell the PostgreSQL version from: " + versionOutput.trim());
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Refuses a data directory this server cannot run: another major version (which only {@code pg_upgrade} may
     * convert) or a non-empty directory that is not a PostgreSQL data directory at all. Never re-initialises.
     *
     * @return true when the directory holds a cluster of this major version, false when there is none yet
     */
    boolean checkExisting() {
        Path version = dataDir.resolve("PG_VERSION");
        if (Files.isRegularFile(version)) {
            String found = readVersion(version);
            if (!found.equals(Integer.toString(major))) {
                throw new DbServerException("the database directory " + dataDir + " was created by PostgreSQL "
                        + found + " but this hub runs PostgreSQL " + major + " (" + binDir + "). It is left untouched:"
                        + " upgrade it with pg_upgrade as README.md ('Upgrading PostgreSQL') describes, or install"
                        + " PostgreSQL " + found + " and set binDirectory in etc/org.telehub.dbserver.cfg.");
            }
            return true;
        }
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> s = Files.list(dataDir)) {
                if (s.findAny().isPresent()) {
                    throw new DbServerException("the database directory " + dataDir + " is not empty but holds no"
                            + " PostgreSQL cluster (no PG_VERSION); refusing to initialise over it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    /**
     * Creates the cluster: {@code initdb} into a sibling directory, renamed into place only when complete, so a
     * crash during {@code initdb} never leaves a half-made cluster where the hub would later start it.
     */
    void init(String superuserPassword) {
        Path staging = dataDir.resolveSibling(dataDir.getFileName() + ".initdb");
        Path pwFile = dataDir.resolveSibling("." + dataDir.getFileName() + ".initdb-password");
        try {
            deleteTree(staging);
            Files.createDirectories(dataDir.getParent());
            checkTraversable(dataDir.getParent());
            Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(pwFile);
            Files.createFile(pwFile, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE)));
            Files.writeString(pwFile, superuserPassword + "\n", StandardCharsets.UTF_8);
            giveToOsUser(staging);
            giveToOsUser(pwFile);
            run(List.of(binDir.resolve("initdb").toString(), "-D", staging.toString(), "-U", "postgres",
                    "--pwfile=" + pwFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), true);
            Files.deleteIfExists(dataDir); // an empty directory (checked above) may stand where the cluster goes
            Files.move(staging, dataDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DbServerException("cannot create the database directory " + dataDir + ": " + e);
        } finally {
            try {
                Files.deleteIfExists(pwFile);
            } catch (IOException ignored) {
                // left owner-only; removed on the next attempt
            }
        }
    }

    /**
     * Writes the server settings of this hub: durable writes spelled out (they are PostgreSQL's defaults, and a
     * clinical record must not depend on nobody having changed them), 127.0.0.1 only, the socket inside the data
     * directory, password hashes with SCRAM, a log that rotates weekly in the data directory.
     */
    void writeConf() {
        String socketDir = dataDir.toString().length() <= 80 ? dataDir.toString() : "";
        String conf = "# Written by Telehub on every start; change etc/org.telehub.dbserver.cfg instead.\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                // a Unix socket path is limited to 107 bytes: none at all beats a server that cannot start
                + "unix_socket_directories = '" + socketDir.replace("'", "''") + "'\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "fsync = on\n"
                + "synchronous_commit = on\n"
                + "full_page_writes = on\n"
                + "logging_collector = on\n"
                + "log_directory = 'log'\n"
                + "log_filename = 'postgresql-%a.log'\n"
                + "log_truncate_on_rotation = on\n"
                + "log_rotation_age = 1d\n"
                + "log_rotation_size = 0\n";
        try {
            // settings of ours, kept apart from the stock file so that every start can rewrite them; included also
            // into a cluster made by hand (pg_upgrade), which would otherwise listen on PostgreSQL's defaults
            Path main = dataDir.resolve("postgresql.conf");
            if (!new String(readNoFollow(main), StandardCharsets.UTF_8).contains(INCLUDE)) {
                writeNoFollow(main, "\n# Telehub: the hub rewrites " + CONF + " on every start"
                        + " (etc/org.telehub.dbserver.cfg)\n" + INCLUDE + "\n", StandardOpenOption.APPEND);
            }
            Path f = dataDir.resolve(CONF);
            writeNoFollow(f, conf, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            giveToOsUser(f);
            Path log = dataDir.resolve("log");
            if (!Files.isDirectory(log, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                giveToOsUser(log);
            }
        } catch (IOException e) {
            throw new DbServerException("cannot write " + dataDir.resolve(CONF) + ": " + e);
        }
    }

    /**
     * The pid of the postmaster serving this data directory, or -1. A {@code postmaster.pid} whose process is gone
     * or is not a server in this directory (a pid reused after a machine crash) does not count: PostgreSQL itself
     * replaces such a stale file when it starts, and we must never signal a stranger.
     */
    long runningPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return -1;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Path cwd = Paths.get("/proc", Long.toString(pid), "cwd");
            // the postmaster's working directory is its data directory
            return Files.exists(cwd) && cwd.toRealPath().equals(dataDir.toRealPath()) ? pid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    void start() {
        run(List.of(binDir.resolve("pg_ctl").toString(), "start", "-D", dataDir.toString(), "-w",
                "-t", Long.toString(timeoutSeconds), "-l", dataDir.resolve("log/startup.log").toString()), true);
    }

    void restart() {
        run(List.of(binDir.resolve("pg_ctl").toString(), "restart", "-D", dataDir.toString(), "-m", "fast", "-w",
                "-t", Long.toString(timeoutSeconds), "-l", dataDir.resolve("log/startup.log").toString()), true);
    }

    /** Fast shutdown: open transactions are rolled back, committed ones are on disk already. */
    void stop() {
        run(List.of(binDir.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", "fast", "-w",
                "-t", Long.toString(timeoutSeconds)), true);
    }

    /**
     * As root, fails clearly when the server's user cannot reach {@code dir} (e.g. a hub unpacked under /root): the
     * first directory on the way that it cannot traverse is named.
     */
    void checkTraversable(Path dir) {
        if (osUser == null || canTraverse(dir)) {
            return;
        }
        Path blocking = dir;
        Path p = dir.getRoot();
        for (Path name : dir) {
            p = p.resolve(name);
            if (!canTraverse(p)) {
                blocking = p;
                break;
            }
        }
        throw new DbServerException("PostgreSQL runs as the system user '" + osUser + "', which cannot enter "
                + blocking + " on the way to " + dir + ": put the hub where that user can reach it (chmod o+x "
                + blocking + "), or set dataDirectory in etc/org.telehub.dbserver.cfg");
    }

    private boolean canTraverse(Path dir) {
        List<String> cmd = List.of("runuser", "-u", osUser, "--", "test", "-x", dir.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            throw new DbServerException("cannot run runuser (util-linux) to act as '" + osUser + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbServerException("interrupted");
        }
    }

    /** chown of the file itself, never of what a symbolic link in its place points to. */
    private void giveToOsUser(Path p) throws IOException {
        if (osUser != null) {
            UserPrincipal user = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(user);
        }
    }

    /*
     * The data directory belongs to the server's user. A root hub must not follow a symbolic link that user put
     * there (telehub.conf -> /etc/shadow): files in it are opened with O_NOFOLLOW.
     */
    private static void writeNoFollow(Path p, String text, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>(List.of(options));
        opts.add(StandardOpenOption.WRITE);
        opts.add(LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel c = Files.newByteChannel(p, opts)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                c.write(b);
            }
        }
    }

    private static byte[] readNoFollow(Path p) throws IOException {
        try (SeekableByteChannel c = Files.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                java.io.InputStream in = java.nio.channels.Channels.newInputStream(c)) {
            return in.readAllBytes();
        }
    }

    /** Runs a PostgreSQL command (as {@link #osUser} when set and {@code asServerUser}); returns its output. */
    String run(List<String> command, boolean asServerUser) {
        List<String> cmd = new ArrayList<>();
        if (asServerUser && osUser != null) {
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(Paths.get("/").toFile());
        // the server's settings come from its data directory only, never from the hub's environment
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes(); // ends when the command ends (pg_ctl -l detaches the server)
            if (!p.waitFor(timeoutSeconds + 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DbServerException(String.join(" ", command) + " did not finish in time");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new DbServerException(command.get(0).substring(command.get(0).lastIndexOf('/') + 1) + " "
                        + command.get(1) + " failed (exit " + p.exitValue() + "): " + text.trim()
                        + (command.get(1).equals("start") ? " (server log: " + dataDir.resolve("log") + ")" : ""));
            }
            return text;
        } catch (IOException e) {
            throw new DbServerException("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbServerException("interrupted while running " + command.get(0));
        }
    }

    /** PG_VERSION, not followed through a link, and only digits of it ever shown. */
    private static String readVersion(Path p) {
        try {
            String v = new String(readNoFollow(p), StandardCharsets.UTF_8).trim();
            return v.matches("\\d{1,3}") ? v : "(unreadable)";
        } catch (IOException e) {
            throw new DbServerException("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(x);
            }
        }
    }
}
