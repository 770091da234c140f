package org.telehub.testing.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A peer's server process: started with {@code TCP_NODELAY=1} and the {@link LoopbackShim}, output appended to
 * a log file, stopped on {@link #close()} or at JVM exit, children included ({@code dcmqrscp} forks one per
 * association, {@code storescp} one per received file).
 */
final class PeerProcess implements AutoCloseable {

    /** What a start attempt waits for; may throw, which counts as "not yet". */
    @FunctionalInterface
    interface Check {
        boolean ready() throws Exception;
    }

    /** A start that failed; {@code exited} when the process died (the retryable case: a port taken meanwhile). */
    static final class StartFailure extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        final boolean exited;

        StartFailure(String message, boolean exited, Throwable cause) {
            super(message, cause);
            this.exited = exited;
        }
    }

    /** A start attempt of a peer. */
    @FunctionalInterface
    interface Attempt<T> {
        T start() throws IOException;
    }

    private static final Set<PeerProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Duration POLL = Duration.ofMillis(25);
    private static final Duration GRACE = Duration.ofSeconds(5);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(PeerProcess::close),
                "telehub-dicom-peers-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private PeerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir}, stdout and stderr appended to {@code log}. */
    static PeerProcess start(String name, List<String> command, Path workDir, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("TCP_NODELAY", "1");
        builder.environment().put("LD_PRELOAD", LoopbackShim.library().toString());
        PeerProcess started = new PeerProcess(name, builder.start(), log);
        LIVE.add(started);
        return started;
    }

    /**
     * Runs {@code attempt} up to three times while it fails with a {@link StartFailure} whose process exited:
     * the free ports a peer picks can be taken by someone else before the peer binds them.
     */
    static <T> T withRetries(Attempt<T> attempt) throws IOException {
        for (int tries = 1; ; tries++) {
            try {
                return attempt.start();
            } catch (StartFailure e) {
                if (!e.exited || tries == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Polls {@code check} until it answers true. Stops the process and throws a {@link StartFailure} with the
     * log's tail if the process exits or {@code timeout} passes first.
     */
    void awaitReady(Duration timeout, String what, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            if (!process.isAlive()) {
                close();
                throw new StartFailure(name + " exited with " + process.exitValue() + " before " + what
                        + "\n" + logTail(), true, last);
            }
            try {
                if (check.ready()) {
                    return;
                }
            } catch (StartFailure e) {
                close();
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new StartFailure(name + ": no " + what + " within " + timeout.toSeconds() + " s"
                        + "\n" + logTail(), false, last);
            }
            try {
                process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
    }

    /**
     * Whether this process listens on {@code port}; a {@link StartFailure} if it listens anywhere but on
     * loopback (the shim did not load).
     */
    boolean listensOn(int port) {
        List<InetSocketAddress> listening = LoopbackShim.listening(process.pid());
        if (!listening.stream().allMatch(a -> a.getAddress().isLoopbackAddress())) {
            throw new StartFailure(name + " listens beyond loopback: " + listening + "\n" + logTail(), false, null);
        }
        return listening.stream().anyMatch(a -> a.getPort() == port);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The last 40 lines of the log, headed by its path. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "--- " + log + " unreadable: " + e + " ---";
        }
    }

    /** SIGTERM to the process and its children; SIGKILL to whatever still runs after 5 s. Idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        long deadline = System.nanoTime() + GRACE.toNanos();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle child : children) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /**
     * A TCP port free on 127.0.0.1 just now, never one handed out before in this JVM (so peers started at the
     * same time do not collide; a clash with another program is left to {@link #withRetries}).
     */
    static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
    }
}
