package org.telehub.media.internal.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.telehub.media.internal.wire.Wire;

/** The engine started as the hub starts it (a child JVM that connects to a Unix socket), for tests and the bench. */
final class Engines {
    record Running(Process process, Wire wire) {
    }

    private Engines() {
    }

    static Running start(Path dir, String... jvmFlags) throws Exception {
        Path socket = dir.resolve("engine-" + System.nanoTime() + ".sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            command.addAll(List.of(jvmFlags));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "ffmpeg",
                    socket.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            SocketChannel channel = accepted.get(30, TimeUnit.SECONDS);
            return new Running(p, Wire.over(channel));
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
