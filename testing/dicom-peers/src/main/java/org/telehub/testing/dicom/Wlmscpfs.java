package org.telehub.testing.dicom;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * DCMTK's {@code wlmscpfs} (3.6.7) as a Modality Worklist provider: one AE whose worklist is the {@code .wl} files
 * in its folder, made from text dumps with DCMTK's {@code dump2dcm}, on a free port of 127.0.0.1 (the loopback
 * shim: wlmscpfs has no bind option). It answers C-ECHO and Modality Worklist C-FIND, matching the query's keys as
 * PS3.4 K.2.2 has it (Patient ID, the step's Modality and Scheduled Station AE Title, dates).
 */
public final class Wlmscpfs implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final PeerProcess process;
    private final String aet;
    private final int port;
    private final Path folder;

    private Wlmscpfs(PeerProcess process, String aet, int port, Path folder) {
        this.process = process;
        this.aet = aet;
        this.port = port;
        this.folder = folder;
    }

    /** Starts wlmscpfs for AE {@code aet} with an empty worklist in {@code workDir}/wl/{@code aet}. */
    public static Wlmscpfs start(Path workDir, String aet) throws IOException {
        Dcmtk.checkAet(aet);
        Path base = workDir.toAbsolutePath().resolve("wl");
        Path folder = Files.createDirectories(base.resolve(aet));
        Files.writeString(folder.resolve("lockfile"), "");
        return PeerProcess.withRetries(() -> {
            int port = PeerProcess.freePort();
            PeerProcess p = PeerProcess.start("wlmscpfs " + aet, List.of("wlmscpfs", "-v", "-dfp", base.toString(),
                    Integer.toString(port)), workDir, workDir.resolve("wlmscpfs.log"));
            p.awaitReady(START_TIMEOUT, "C-ECHO on port " + port, () -> p.listensOn(port)
                    && Dcmtk.echoscu("127.0.0.1", port, "ECHOSCU", aet).ok());
            return new Wlmscpfs(p, aet, port, folder);
        });
    }

    /**
     * Adds one scheduled procedure step: {@code dump} in dump2dcm's text form (one {@code (gggg,eeee) VR [value]}
     * per line), its bytes in {@code charset} (values stay as written: an ISO 2022 name keeps its escapes).
     */
    public Path add(String name, String dump, Charset charset) throws IOException {
        Path text = Files.write(folder.resolve(name + ".dump"), dump.getBytes(charset));
        Path wl = folder.resolve(name + ".wl");
        Dcmtk.run(Dcmtk.TIMEOUT, List.of("dump2dcm", text.toString(), wl.toString())).orThrow();
        Files.delete(text);
        return wl;
    }

    /**
     * One scheduled procedure step in dump2dcm's text form: the patient, the order (accession, requested procedure
     * {@code RP-<stepId>}, a study UID from the accession), the step (modality, station, date {@code YYYYMMDD},
     * time {@code HHMM[SS]}, id, description, SCHEDULED, performed by Karimi^Reza).
     *
     * @param charset the entry's Specific Character Set, e.g. {@code ISO_IR 192}
     * @param offset Timezone Offset From UTC, e.g. {@code +0330}, or null for none
     */
    public static String step(String charset, String name, String patientId, String accession, String date,
            String time, String offset, String station, String modality, String stepId, String description) {
        return "(0008,0005) CS [" + charset + "]\n"
                + (offset == null ? "" : "(0008,0201) SH [" + offset + "]\n")
                + "(0008,0050) SH [" + accession + "]\n"
                + "(0010,0010) PN [" + name + "]\n"
                + "(0010,0020) LO [" + patientId + "]\n"
                + "(0010,0030) DA [19800101]\n"
                + "(0010,0040) CS [O]\n"
                + "(0020,000d) UI [" + studyInstanceUid(accession) + "]\n"
                + "(0032,1060) LO [" + description + "]\n"
                + "(0040,0100) SQ (Sequence with undefined length)\n"
                + "  (fffe,e000) na (Item with undefined length)\n"
                + "    (0008,0060) CS [" + modality + "]\n"
                + "    (0040,0001) AE [" + station + "]\n"
                + "    (0040,0002) DA [" + date + "]\n"
                + "    (0040,0003) TM [" + time + "]\n"
                + "    (0040,0006) PN [Karimi^Reza]\n"
                + "    (0040,0007) LO [" + description + "]\n"
                + "    (0040,0009) SH [" + stepId + "]\n"
                + "    (0040,0020) CS [SCHEDULED]\n"
                + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                + "(fffe,e0dd) na (SequenceDelimitationItem)\n"
                + "(0040,1001) SH [RP-" + stepId + "]\n";
    }

    /** The Study Instance UID {@link #step} gives the entry of an accession number. */
    public static String studyInstanceUid(String accession) {
        return "2.25.1" + Math.abs((long) accession.hashCode());
    }

    public String aet() {
        return aet;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "wlmscpfs " + aet + " port=" + port;
    }
}
