package org.telehub.testing.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * DCMTK's {@code dcmqrscp} (3.6.7) as a second, different PACS: one AE with one read-write storage area, on a
 * free port of 127.0.0.1. It takes C-ECHO, C-STORE, C-FIND (patient root, study root, patient/study only),
 * C-MOVE to a listed peer and C-GET, from listed peers only: any other calling AE is rejected at association
 * ("Called AE Title Not Recognized", dcmqrscp's wording).
 *
 * <p>Behaviour worth testing against: it leaves out optional keys it does not keep (ModalitiesInStudy,
 * NumberOfStudyRelatedInstances) rather than answering them empty; when the request's character set cannot hold
 * a value (a Cyrillic name asked for without {@code SpecificCharacterSet}) it logs a warning and answers in the
 * stored one ({@code ISO_IR 192}). It keeps at most {@value #MAX_STUDIES} studies and <b>deletes the oldest
 * study</b> beyond that (its quota).
 */
public final class DcmQrScp implements AutoCloseable {

    /** The most studies dcmqrscp keeps per storage area (it caps its configured quota to this). */
    public static final int MAX_STUDIES = 500;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final PeerProcess process;
    private final String aet;
    private final int port;

    private DcmQrScp(PeerProcess process, String aet, int port) {
        this.process = process;
        this.aet = aet;
        this.port = port;
    }

    /**
     * Starts dcmqrscp with AE title {@code aet}, working in {@code workDir} (dcmqrscp.cfg, dcmqrscp.log, the
     * storage area db/), and returns once it answers C-ECHO (20 s at most, else an
     * {@link IllegalStateException} with the log's tail).
     *
     * @param peers every AE allowed to associate (SCUs and C-MOVE destinations), at 127.0.0.1: host names are
     *              not looked up (-dhl), so an incoming association is matched by AE title and IP address;
     *              none means any AE may associate (but C-MOVE still only goes to a listed one)
     */
    public static DcmQrScp start(Path workDir, String aet, List<Remote> peers) throws IOException {
        Dcmtk.checkAet(aet);
        Files.createDirectories(workDir.resolve("db"));
        return PeerProcess.withRetries(() -> launch(workDir.toAbsolutePath(), aet, peers));
    }

    private static DcmQrScp launch(Path workDir, String aet, List<Remote> peers) throws IOException {
        int port = PeerProcess.freePort();
        Path config = Files.writeString(workDir.resolve("dcmqrscp.cfg"), config(workDir, aet, port, peers),
                StandardCharsets.UTF_8);
        PeerProcess process = PeerProcess.start("dcmqrscp " + aet,
                List.of("dcmqrscp", "-v", "-c", config.toString(), "--disable-host-lookup"), workDir,
                workDir.resolve("dcmqrscp.log"));
        // echo as a listed peer (an unlisted one is rejected); with no peers anyone may
        String caller = peers.isEmpty() ? "ECHOSCU" : peers.get(0).aet();
        process.awaitReady(START_TIMEOUT, "C-ECHO on port " + port, () -> {
            if (!process.listensOn(port)) {
                return false;
            }
            Dcmtk.Result echo = Dcmtk.echoscu("127.0.0.1", port, caller, aet);
            if (echo.output().contains("Association Rejected")) {
                throw new PeerProcess.StartFailure("dcmqrscp " + aet + " rejects its first peer " + peers.get(0)
                        + " (peers must be at 127.0.0.1: incoming associations are matched by IP address):\n"
                        + echo.output() + process.logTail(), false, null);
            }
            return echo.ok();
        });
        return new DcmQrScp(process, aet, port);
    }

    /** The configuration file; format: DCMTK's dcmqrdb/docs/dcmqrcnf.txt. */
    private static String config(Path workDir, String aet, int port, List<Remote> peers) {
        StringBuilder cfg = new StringBuilder()
                .append("NetworkTCPPort  = ").append(port).append('\n')
                .append("MaxPDUSize      = 65536\n")
                .append("MaxAssociations = 16\n\n")
                .append("HostTable BEGIN\n");
        List<String> names = new ArrayList<>();
        for (Remote peer : peers) {
            String name = "peer" + (names.size() + 1);
            names.add(name);
            cfg.append(name).append(" = (").append(peer.aet()).append(", ").append(peer.host()).append(", ")
                    .append(peer.port()).append(")\n");
        }
        if (!names.isEmpty()) {
            cfg.append("peers = ").append(String.join(", ", names)).append('\n');
        }
        return cfg.append("HostTable END\n\n")
                .append("VendorTable BEGIN\nVendorTable END\n\n")
                .append("AETable BEGIN\n")
                // AETitle StorageArea Access (maxStudies, maxBytesPerStudy) Peers
                .append(aet).append(" \"").append(workDir.resolve("db")).append("\" RW (").append(MAX_STUDIES)
                .append(", 1024mb) ").append(names.isEmpty() ? "ANY" : "peers").append('\n')
                .append("AETable END\n")
                .toString();
    }

    public String aet() {
        return aet;
    }

    public int port() {
        return port;
    }

    /** This PACS as a DICOM peer. */
    public Remote remote() {
        return Remote.loopback(aet, port);
    }

    /** dcmqrscp's (parent) process id. */
    public long pid() {
        return process.pid();
    }

    /** dcmqrscp.log in the work folder. */
    public Path log() {
        return process.log();
    }

    /** Stops dcmqrscp and its association children: SIGTERM, SIGKILL after 5 s. The work folder stays. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "dcmqrscp " + aet + " port=" + port;
    }
}
