package org.telehub.testing.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Modality Performed Procedure Step SCU that is not Telehub's code: npm's dcmjs-dimse (0.3.3) run by the
 * machine's Node ({@code src/main/node/mpps.js}). No Debian tool sends MPPS. Each call is one association carrying
 * the given N-CREATE and N-SET requests in order.
 */
public final class MppsScu {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = script();

    private MppsScu() {
    }

    /** One request: {@code create} (N-CREATE) or {@code set} (N-SET) of step {@code uid}, with its data set. */
    public record Step(String op, String uid, Map<String, Object> dataset) {
        public static Step create(String uid, Map<String, Object> dataset) {
            return new Step("create", uid, dataset);
        }

        public static Step set(String uid, Map<String, Object> dataset) {
            return new Step("set", uid, dataset);
        }
    }

    /** One response: its DIMSE status and error comment. */
    public record Response(int status, String errorComment, String uid) {
    }

    /**
     * Sends the requests over one association.
     *
     * @return the responses in order; empty when the association was rejected
     * @throws IllegalStateException when the peer could not be reached or closed the association
     */
    public static List<Response> send(String host, int port, String callingAe, String calledAe, List<Step> steps) {
        Dcmtk.Result r;
        try {
            r = Dcmtk.run(Duration.ofSeconds(60), List.of("node", SCRIPT.toString(), host, Integer.toString(port),
                    Dcmtk.checkAet(callingAe), Dcmtk.checkAet(calledAe), JSON.writeValueAsString(steps)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String last = r.output().strip();
        last = last.substring(last.lastIndexOf('\n') + 1);
        try {
            JsonNode out = JSON.readTree(last);
            if (out.has("rejected")) {
                return List.of();
            }
            if (!out.has("responses")) {
                throw new IllegalStateException("no MPPS responses: " + r.output());
            }
            return JSON.convertValue(out.get("responses"), JSON.getTypeFactory().constructCollectionType(List.class,
                    Response.class));
        } catch (IOException e) {
            throw new IllegalStateException("mpps.js said: " + r.output(), e);
        }
    }

    private static Path script() {
        Properties p = new Properties();
        try (InputStream in = MppsScu.class.getResourceAsStream("/telehub-dicom-peers.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(p.getProperty("node.dir"), "mpps.js");
    }
}
