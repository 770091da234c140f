package org.telehub.testing.fhir;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link FhirServer} in its own JVM: prints {@code FHIR_BASE=<url>} on stdout once the server answers,
 * then serves until stdin reaches end of file (the parent closed it, or died) or the JVM is told to stop
 * (SIGTERM, Ctrl-C).
 *
 * <pre>
 * java -Xmx768m -cp &lt;classpath&gt; org.telehub.testing.fhir.FhirServerMain [--port N] [--until-killed]
 * </pre>
 *
 * {@code --port N}: listen on N instead of a free port; {@code --until-killed}: ignore stdin (for a shell
 * running it in the background with stdin on {@code /dev/null}).
 */
public final class FhirServerMain {

    /** The line prefix {@link FhirServerProcess} waits for. */
    public static final String BASE_PREFIX = "FHIR_BASE=";

    private FhirServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        boolean untilKilled = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--until-killed" -> untilKilled = true;
                default -> {
                    System.err.println("usage: FhirServerMain [--port N] [--until-killed]");
                    System.exit(2);
                }
            }
        }
        long started = System.nanoTime();
        FhirServer server = FhirServer.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "fhir-server-stop"));
        System.err.printf("FHIR server started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        System.out.println(BASE_PREFIX + server.baseUrl());
        System.out.flush();
        if (untilKilled) {
            stopped.await();
            return;
        }
        try {
            while (System.in.read() != -1) {
                // the parent never writes: only end of file matters
            }
        } catch (IOException e) {
            // stdin gone: the same as end of file
        }
        System.exit(0); // runs the shutdown hook, which closes the server
    }
}
