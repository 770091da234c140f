package org.telehub.testing.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DCMTK's command-line clients, run with {@code TCP_NODELAY=1} (Nagle costs ~45 ms per stored instance) and a
 * timeout of {@link #TIMEOUT} after which the client is killed and an {@link IllegalStateException} thrown.
 * The clients' exit codes and output (stdout and stderr together) come back as a {@link Result} (see
 * {@link Result#ok()}); nothing here throws because a DICOM operation failed.
 */
public final class Dcmtk {

    /** How long any client may run. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A client's exit code and its output (stdout and stderr, UTF-8). */
    public record Result(int exit, String output) {

        /** {@code (0010,0010) PN [value]   #  18, 1 PatientName}: a dcmdump line, as DCMTK's clients log data sets. */
        private static final Pattern ELEMENT =
                Pattern.compile("\\(\\p{XDigit}{4},\\p{XDigit}{4}\\) \\w\\w (?:\\[(.*)\\]|\\(no value available\\))"
                        + "\\s+#\\s*\\d+,\\s*\\d+\\s+(\\w+)\\s*$");

        /** {@code E: ...} or {@code F: ...}: a line DCMTK's logger writes for an error or a fatal error. */
        private static final Pattern ERROR_LINE = Pattern.compile("^[EF]: ", Pattern.MULTILINE);

        /**
         * Whether the operation succeeded: exit code 0 and no error in the output. DCMTK 3.6.7's findscu and
         * movescu exit with 0 even when the peer aborted the association ("E: Find Failed ... Peer aborted
         * Association"), so the exit code alone does not tell.
         */
        public boolean ok() {
            return exit == 0 && !ERROR_LINE.matcher(output).find();
        }

        /**
         * The values of the attribute {@code keyword} (e.g. {@code PatientName}) in every data set the output
         * shows (query, responses), in order, without padding (DICOM's space, or the NUL after an odd-length
         * UID, which DCMTK prints as it is); "" for an empty one. With {@link Dcmtk#findscu} the first is the
         * query's own.
         */
        public List<String> values(String keyword) {
            List<String> values = new ArrayList<>();
            for (String line : output.split("\n")) {
                Matcher m = ELEMENT.matcher(line);
                if (m.find() && m.group(2).equals(keyword)) {
                    values.add(m.group(1) == null ? "" : m.group(1).replaceAll("^[ \\x00]+|[ \\x00]+$", ""));
                }
            }
            return values;
        }

        /** This result if {@link #ok()}, else an {@link IllegalStateException} with the output. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("DCMTK client failed (exit " + exit + "):\n" + output);
            }
            return this;
        }
    }

    private Dcmtk() {
    }

    /** C-ECHO. */
    public static Result echoscu(String host, int port, String callingAe, String calledAe) {
        return run(TIMEOUT, List.of("echoscu", "-aet", checkAet(callingAe), "-aec", checkAet(calledAe),
                host, Integer.toString(port)));
    }

    /**
     * C-STORE of {@code files} over one association; stops at the first failed store (DCMTK's default). Files
     * go on the command line: fine for thousands of files (the limit is the kernel's 2 MB of arguments).
     */
    public static Result storescu(String host, int port, String callingAe, String calledAe, List<Path> files) {
        return storescu(host, port, callingAe, calledAe, files, List.of());
    }

    /**
     * As {@link #storescu(String, int, String, String, List)} with more of storescu's options, e.g. {@code -xy}
     * to propose JPEG baseline (as an endoscopy system sending its JPEG images does; storescu proposes only
     * uncompressed transfer syntaxes by default and does not transcode).
     */
    public static Result storescu(String host, int port, String callingAe, String calledAe, List<Path> files,
            List<String> options) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to store");
        }
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", checkAet(callingAe),
                "-aec", checkAet(calledAe)));
        command.addAll(options);
        command.add(host);
        command.add(Integer.toString(port));
        files.forEach(f -> command.add(f.toString()));
        return run(TIMEOUT, command);
    }

    /** VL Endoscopic Image Storage. */
    public static final String VL_ENDOSCOPIC_IMAGE = "1.2.840.10008.5.1.4.1.1.77.1.1";

    /**
     * A VL Endoscopic Image as an endoscopy system writes one: a JPEG baseline frame (a colour gradient drawn here,
     * shaded by {@code seed}) wrapped by DCMTK's img2dcm as VL Photographic, then made VL Endoscopic (SOP class,
     * modality ES) by dcmodify, which updates the meta header too. Names in UTF-8 ({@code ISO_IR 192}).
     */
    public static Path vlEndoscopic(Path dir, String name, String patientId, String patientName, String accession,
            String studyUid, int seed) throws IOException {
        return vlEndoscopic(dir, name, patientId, patientName, accession, studyUid, seed, null);
    }

    /** As {@link #vlEndoscopic(Path, String, String, String, String, String, int)} with a SOP Instance UID of ours. */
    public static Path vlEndoscopic(Path dir, String name, String patientId, String patientName, String accession,
            String studyUid, int seed, String sopInstanceUid) throws IOException {
        Files.createDirectories(dir);
        Path jpeg = dir.resolve(name + ".jpg");
        java.awt.image.BufferedImage frame = new java.awt.image.BufferedImage(64, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                frame.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | (seed * 37 & 0xFF));
            }
        }
        javax.imageio.ImageIO.write(frame, "jpg", jpeg.toFile());
        Path out = dir.resolve(name + ".dcm");
        List<String> command = new ArrayList<>(List.of("img2dcm", "-vlp", "-k", "SpecificCharacterSet=ISO_IR 192",
                "-k", "PatientName=" + patientName, "-k", "PatientID=" + patientId, "-k",
                "AccessionNumber=" + accession, "-k", "StudyInstanceUID=" + studyUid, "-k", "Modality=ES"));
        if (sopInstanceUid != null) {
            command.add("-k");
            command.add("SOPInstanceUID=" + sopInstanceUid);
        }
        command.add(jpeg.toString());
        command.add(out.toString());
        run(TIMEOUT, command).orThrow();
        run(TIMEOUT, List.of("dcmodify", "-nb", "-m", "SOPClassUID=" + VL_ENDOSCOPIC_IMAGE, out.toString()))
                .orThrow();
        Files.delete(jpeg);
        return out;
    }

    /** Video Endoscopic Image Storage. */
    public static final String VIDEO_ENDOSCOPIC_IMAGE = "1.2.840.10008.5.1.4.1.1.77.1.1.1";
    /** MPEG-4 AVC/H.264 High Profile / Level 4.1. */
    public static final String MPEG4_HP41 = "1.2.840.10008.1.2.4.102";

    /**
     * A Video Endoscopic Image as an endoscopy system records one: one second of ffmpeg's {@code testsrc2} at
     * 1280 × 720, 25 frames/s, encoded by libx264 (High Profile, Level 4.1, an Annex B stream), encapsulated as one
     * fragment after an empty offset table in MPEG-4 AVC/H.264 High Profile / Level 4.1 by DCMTK's dump2dcm from a
     * dump this writes (no Debian tool encapsulates MPEG-4 by itself). Names in UTF-8.
     */
    public static Path videoEndoscopic(Path dir, String name, String patientId, String patientName, String accession,
            String studyUid, String sopInstanceUid) throws IOException {
        Files.createDirectories(dir);
        Path stream = dir.resolve(name + ".h264");
        run(TIMEOUT, List.of("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720:rate=25", "-t", "1", "-c:v", "libx264", "-profile:v", "high", "-level",
                "4.1", "-pix_fmt", "yuv420p", "-f", "h264", stream.toString())).orThrow();
        if (Files.size(stream) % 2 == 1) {
            // a fragment has an even length; a trailing zero byte is allowed after an Annex B stream
            Files.write(stream, new byte[1], java.nio.file.StandardOpenOption.APPEND);
        }
        Path dump = dir.resolve(name + ".dump");
        Files.writeString(dump, String.join("\n",
                "(0002,0010) UI [" + MPEG4_HP41 + "]",
                "(0008,0005) CS [ISO_IR 192]",
                "(0008,0016) UI [" + VIDEO_ENDOSCOPIC_IMAGE + "]",
                "(0008,0018) UI [" + sopInstanceUid + "]",
                "(0008,0050) SH [" + accession + "]",
                "(0008,0060) CS [ES]",
                "(0010,0010) PN [" + patientName + "]",
                "(0010,0020) LO [" + patientId + "]",
                "(0018,1063) DS [40]",
                "(0020,000d) UI [" + studyUid + "]",
                "(0020,000e) UI [" + studyUid + ".9]",
                "(0028,0002) US 3",
                "(0028,0004) CS [YBR_PARTIAL_420]",
                "(0028,0006) US 0",
                "(0028,0008) IS [25]",
                "(0028,0009) AT (0018,1063)",
                "(0028,0010) US 720",
                "(0028,0011) US 1280",
                "(0028,0100) US 8",
                "(0028,0101) US 8",
                "(0028,0102) US 7",
                "(0028,0103) US 0",
                "(7fe0,0010) OB (PixelSequence #=2)",
                "  (fffe,e000) pi (no value available)",
                "  (fffe,e000) pi =" + stream.getFileName(),
                "(fffe,e0dd) na (SequenceDelimitationItem)", ""), StandardCharsets.UTF_8);
        Path out = dir.resolve(name + ".dcm");
        run(TIMEOUT, List.of("dump2dcm", dump.getFileName().toString(), out.getFileName().toString()), dir,
                Map.of()).orThrow();
        Files.delete(dump);
        Files.delete(stream);
        return out;
    }

    /**
     * Study-level C-FIND (Study Root) for {@code patientId}, in UTF-8 ({@code ISO_IR 192}), asking for patient
     * name, birth date, sex, study UID, date, time, accession number, description, modalities in study and
     * number of instances (a peer may leave optional keys out: dcmqrscp does for the last two). Verbose output
     * (-v): every response's data set, for {@link Result#values}.
     */
    public static Result findscu(String host, int port, String callingAe, String calledAe, String patientId) {
        return run(TIMEOUT, List.of("findscu", "-v", "-S", "-aet", checkAet(callingAe), "-aec", checkAet(calledAe),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "SpecificCharacterSet=ISO_IR 192",
                "-k", "PatientID=" + patientId, "-k", "PatientName", "-k", "PatientBirthDate", "-k", "PatientSex",
                "-k", "StudyInstanceUID", "-k", "StudyDate", "-k", "StudyTime", "-k", "AccessionNumber",
                "-k", "StudyDescription", "-k", "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances",
                host, Integer.toString(port)));
    }

    /** Study-level C-MOVE (Study Root) of one study to the AE {@code destinationAe}, which the peer must know. */
    public static Result movescu(String host, int port, String callingAe, String calledAe, String destinationAe,
            String studyInstanceUid) {
        return run(TIMEOUT, List.of("movescu", "-v", "-S", "-aet", checkAet(callingAe), "-aec", checkAet(calledAe),
                "-aem", checkAet(destinationAe), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + studyInstanceUid, host, Integer.toString(port)));
    }

    /** Study-level C-GET (Study Root) of one study into {@code outputDir}, over the same association. */
    public static Result getscu(String host, int port, String callingAe, String calledAe, String studyInstanceUid,
            Path outputDir) {
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run(TIMEOUT, List.of("getscu", "-v", "-S", "-aet", checkAet(callingAe), "-aec", checkAet(calledAe),
                "-od", outputDir.toString(), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + studyInstanceUid, host, Integer.toString(port)));
    }

    /**
     * DCMTK's {@code dsrdump} reading a structured report back: its values in UTF-8, template identifiers, every code
     * (concept names too) and long texts whole, so a test can read what a PACS or a viewer would. A person's name
     * shows as people read it ({@code Family^Given} → {@code Family Given}).
     */
    public static Result dsrdump(Path file) {
        return run(TIMEOUT, List.of("dsrdump", "+U8", "+Pt", "+Pc", "+Pl", file.toString()));
    }

    /**
     * Runs any command with {@code TCP_NODELAY=1}, output to a temporary file (no pipe to drain), killed with
     * its children after {@code timeout} (then an {@link IllegalStateException} with the output so far).
     */
    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, null, Map.of());
    }

    /** {@link #run(Duration, List)} in the folder {@code directory} (null: this one), with more environment. */
    static Result run(Duration timeout, List<String> command, Path directory, Map<String, String> environment) {
        Path out = null;
        Process process = null;
        try {
            out = Files.createTempFile("dcmtk-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().put("TCP_NODELAY", "1");
            builder.environment().putAll(environment);
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IllegalStateException(String.join(" ", command) + " killed after " + timeout.toSeconds()
                        + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An AE title as DICOM allows it: 1–16 characters of printable ASCII but backslash, not only spaces. */
    static String checkAet(String aet) {
        if (aet == null || aet.isBlank() || aet.length() > 16 || !aet.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                || aet.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("not an AE title: " + aet);
        }
        return aet;
    }
}
