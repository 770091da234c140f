package org.telehub.testing.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DCMTK's {@code storescp}: a C-STORE receiver (a C-MOVE destination, a modality's archive...) on a free port
 * of 127.0.0.1, accepting every storage SOP class (-pm) in every transfer syntax it knows (+xa), from any AE,
 * writing {@code <modality>.<SOP Instance UID>} files into {@code received/} of its work folder.
 *
 * <p>A file only counts as received once it is complete: storescp writes it in place, so each one is announced
 * after it is written (exec-on-reception appends its path to {@code received.list}), and that list is what
 * {@link #receivedFiles()} reads.
 */
public final class StoreScp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final PeerProcess process;
    private final String aet;
    private final int port;
    private final Path directory;
    private final Path announced;

    private StoreScp(PeerProcess process, String aet, int port, Path directory, Path announced) {
        this.process = process;
        this.aet = aet;
        this.port = port;
        this.directory = directory;
        this.announced = announced;
    }

    /**
     * Starts storescp with AE title {@code aet} (it answers to any called AE title all the same), working in
     * {@code workDir}, and returns once it listens (20 s at most, else an {@link IllegalStateException} with
     * the log's tail).
     */
    public static StoreScp start(Path workDir, String aet) throws IOException {
        return start(workDir, aet, true);
    }

    /**
     * As {@link #start(Path, String)}; with {@code announce} false storescp only writes each file (no shell per
     * file to list it, so {@link #receivedFiles()} stays empty): the reference for a store benchmark.
     */
    public static StoreScp start(Path workDir, String aet, boolean announce) throws IOException {
        Dcmtk.checkAet(aet);
        Path dir = workDir.toAbsolutePath();
        Path received = Files.createDirectories(dir.resolve("received"));
        Path announced = dir.resolve("received.list");
        Files.deleteIfExists(announced);
        Files.createFile(announced);
        return PeerProcess.withRetries(() -> {
            int port = PeerProcess.freePort();
            // storescp runs this with /bin/sh -c after each file is written; #p is the folder, #f the file name
            String announcing = "echo '#p/#f' >> " + shellQuote(announced.toString());
            List<String> command = new java.util.ArrayList<>(List.of("storescp", "-v", "-aet", aet, "-od",
                    received.toString(), "+xa", "-pm", "-dhl"));
            if (announce) {
                command.addAll(List.of("--exec-on-reception", announcing));
            }
            command.add(Integer.toString(port));
            PeerProcess process = PeerProcess.start("storescp " + aet, command, dir, dir.resolve("storescp.log"));
            process.awaitReady(START_TIMEOUT, "listening on port " + port, () -> process.listensOn(port));
            return new StoreScp(process, aet, port, received, announced);
        });
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public String aet() {
        return aet;
    }

    public int port() {
        return port;
    }

    /** This receiver as a DICOM peer. */
    public Remote remote() {
        return Remote.loopback(aet, port);
    }

    /** Where files arrive. */
    public Path directory() {
        return directory;
    }

    /**
     * The complete files received so far, each once (an instance received again overwrites its file), in
     * order of arrival.
     */
    public List<Path> receivedFiles() {
        try {
            LinkedHashSet<Path> files = new LinkedHashSet<>();
            for (String line : Files.readAllLines(announced, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    files.add(Path.of(line.strip()));
                }
            }
            return List.copyOf(files);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until at least {@code count} files were received, and returns them; a {@link TimeoutException}
     * with the log's tail if {@code timeout} passes first.
     */
    public List<Path> awaitFiles(int count, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Path> files = receivedFiles();
            if (files.size() >= count) {
                return files;
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new TimeoutException(files.size() + " of " + count + " files received by " + this + " within "
                        + timeout.toMillis() + " ms" + (process.isAlive() ? "" : " (storescp exited)") + "\n"
                        + process.logTail());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Forgets and deletes what was received; call it while nothing is being sent. */
    public void clear() {
        try {
            for (Path file : receivedFiles()) {
                Files.deleteIfExists(file);
            }
            Files.writeString(announced, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** storescp's (parent) process id. */
    public long pid() {
        return process.pid();
    }

    /** storescp.log in the work folder. */
    public Path log() {
        return process.log();
    }

    /** Stops storescp: SIGTERM, SIGKILL after 5 s. Received files stay. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "storescp " + aet + " port=" + port;
    }
}
