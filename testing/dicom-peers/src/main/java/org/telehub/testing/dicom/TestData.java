package org.telehub.testing.dicom;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Real DICOM Part 10 files (explicit VR little endian), written by DCMTK's {@code dump2dcm} from text dumps.
 *
 * <p>Modality CT gives CT Image Storage (with the CT image, image plane and frame of reference attributes);
 * any other modality (OT, ES, XC...) Secondary Capture Image Storage. Every image is 32×32 MONOCHROME2, 12 bits
 * stored in 16, its pixels a pattern shifted from one instance to the next. UIDs are {@code 2.25.<random UUID as integer>};
 * every study of one call gets its own day (consecutive days from 2020-01-01, in order), an accession number
 * unique across calls, a description; series and instances are numbered from 1.
 * {@code SpecificCharacterSet} is {@code ISO_IR 192} (UTF-8) when a value is not ASCII, absent otherwise.
 */
public final class TestData {

    /** What to generate for one patient. */
    public record PatientSpec(String patientId, String patientName, LocalDate birthDate, String sex, int studies,
            int seriesPerStudy, int instancesPerSeries, String modality) {

        /**
         * @param patientName DICOM PN ({@code Family^Given}), may be non-ASCII; no backslash or brackets
         * @param sex         M, F, O or ""
         * @param modality    CT (CT Image Storage) or another DICOM modality code (Secondary Capture)
         */
        public PatientSpec {
            requireValue(patientId, "patientId", 64);
            requireValue(patientName, "patientName", 64 * 5);
            Objects.requireNonNull(birthDate, "birthDate");
            if (!Set.of("M", "F", "O", "").contains(sex)) {
                throw new IllegalArgumentException("sex must be M, F, O or empty: " + sex);
            }
            if (studies < 1 || seriesPerStudy < 1 || instancesPerSeries < 1) {
                throw new IllegalArgumentException("studies, series and instances must be at least 1");
            }
            if (modality == null || !modality.matches("[A-Z]{2,16}")) {
                throw new IllegalArgumentException("not a modality code: " + modality);
            }
        }

        /** Instances this patient gets. */
        public int instanceCount() {
            return studies * seriesPerStudy * instancesPerSeries;
        }
    }

    /** One generated file and what it holds. */
    public record Instance(Path file, String patientId, String patientName, String studyInstanceUid,
            String seriesInstanceUid, String sopInstanceUid, String sopClassUid, String modality,
            LocalDate studyDate, String accessionNumber) {
    }

    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String SECONDARY_CAPTURE_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7";
    /** The first study's date; the next ones follow day by day. */
    public static final LocalDate FIRST_STUDY_DATE = LocalDate.of(2020, 1, 1);

    private static final int SIZE = 32;
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TAG = Pattern.compile("^\\((\\p{XDigit}{4}),(\\p{XDigit}{4})\\)", Pattern.MULTILINE);

    private TestData() {
    }

    /** A new UID: {@code 2.25.} and a random UUID as an unsigned decimal integer (at most 44 characters). */
    public static String uid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }

    /**
     * Writes the files for {@code patients} into {@code dir} (created if need be), named
     * {@code <SOP Instance UID>.dcm}, with dump2dcm processes running in parallel (one per core).
     *
     * @return the instances in order: patient, study, series, instance
     */
    public static List<Instance> generate(Path dir, List<PatientSpec> patients) throws IOException {
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, ".dump2dcm-");
        List<Instance> instances = new ArrayList<>();
        List<String> dumps = new ArrayList<>();
        int study = 0;
        for (PatientSpec patient : patients) {
            for (int st = 1; st <= patient.studies(); st++, study++) {
                String studyUid = uid();
                LocalDate date = FIRST_STUDY_DATE.plusDays(study);
                String accession = "A" + HexFormat.of().withUpperCase().toHexDigits(RANDOM.nextLong()).substring(1);
                for (int se = 1; se <= patient.seriesPerStudy(); se++) {
                    String seriesUid = uid();
                    String frameOfReference = uid();
                    for (int in = 1; in <= patient.instancesPerSeries(); in++) {
                        String sopUid = uid();
                        String sopClass = patient.modality().equals("CT") ? CT_IMAGE_STORAGE
                                : SECONDARY_CAPTURE_IMAGE_STORAGE;
                        Instance instance = new Instance(dir.resolve(sopUid + ".dcm").toAbsolutePath(),
                                patient.patientId(), patient.patientName(), studyUid, seriesUid, sopUid, sopClass,
                                patient.modality(), date, accession);
                        instances.add(instance);
                        dumps.add(dump(instance, patient, st, se, in, frameOfReference));
                    }
                }
            }
        }
        try {
            Path dictionary = dictionary(work, dumps);
            int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), instances.size()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < instances.size(); i++) {
                    int index = i;
                    done.add(pool.submit(() -> {
                        write(work, index, dumps.get(index), instances.get(index), dictionary);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        } finally {
            delete(work);
        }
        return List.copyOf(instances);
    }

    /** The text dump of one instance; pixels come from {@code pixels.raw} in dump2dcm's working folder. */
    private static String dump(Instance i, PatientSpec p, int studyNumber, int seriesNumber, int instanceNumber,
            String frameOfReference) {
        String studyDescription = "Study " + studyNumber + " of " + p.patientId();
        String seriesDescription = p.modality() + " series " + seriesNumber;
        boolean ascii = Stream.of(p.patientId(), p.patientName(), studyDescription)
                .allMatch(s -> StandardCharsets.US_ASCII.newEncoder().canEncode(s));
        StringBuilder d = new StringBuilder();
        d.append("(0002,0001) OB 00\\01\n")
                .append("(0002,0002) UI [").append(i.sopClassUid()).append("]\n")
                .append("(0002,0003) UI [").append(i.sopInstanceUid()).append("]\n")
                .append("(0002,0010) UI =LittleEndianExplicit\n");
        if (!ascii) {
            d.append("(0008,0005) CS [ISO_IR 192]\n");
        }
        d.append("(0008,0016) UI [").append(i.sopClassUid()).append("]\n")
                .append("(0008,0018) UI [").append(i.sopInstanceUid()).append("]\n")
                .append("(0008,0020) DA [").append(DA.format(i.studyDate())).append("]\n")
                .append("(0008,0030) TM [101500]\n")
                .append("(0008,0050) SH [").append(i.accessionNumber()).append("]\n")
                .append("(0008,0060) CS [").append(p.modality()).append("]\n")
                .append("(0008,0070) LO [Telehub test data]\n")
                .append("(0008,0090) PN []\n")
                .append("(0008,1030) LO [").append(studyDescription).append("]\n")
                .append("(0008,103e) LO [").append(seriesDescription).append("]\n")
                .append("(0010,0010) PN [").append(p.patientName()).append("]\n")
                .append("(0010,0020) LO [").append(p.patientId()).append("]\n")
                .append("(0010,0030) DA [").append(DA.format(p.birthDate())).append("]\n")
                .append("(0010,0040) CS [").append(p.sex()).append("]\n")
                .append("(0020,000d) UI [").append(i.studyInstanceUid()).append("]\n")
                .append("(0020,000e) UI [").append(i.seriesInstanceUid()).append("]\n")
                .append("(0020,0010) SH [").append(studyNumber).append("]\n")
                .append("(0020,0011) IS [").append(seriesNumber).append("]\n")
                .append("(0020,0013) IS [").append(instanceNumber).append("]\n")
                .append("(0020,0020) CS []\n")
                .append("(0028,0002) US 1\n")
                .append("(0028,0004) CS [MONOCHROME2]\n")
                .append("(0028,0010) US ").append(SIZE).append('\n')
                .append("(0028,0011) US ").append(SIZE).append('\n')
                .append("(0028,0100) US 16\n")
                .append("(0028,0101) US 12\n")
                .append("(0028,0102) US 11\n")
                .append("(0028,0103) US 0\n")
                .append("(0028,1050) DS [2048]\n")
                .append("(0028,1051) DS [4096]\n");
        if (i.sopClassUid().equals(CT_IMAGE_STORAGE)) {
            d.append("(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]\n")
                    .append("(0018,0050) DS [1]\n")
                    .append("(0018,0060) DS [120]\n")
                    .append("(0020,0012) IS [1]\n")
                    .append("(0020,0032) DS [0\\0\\").append(instanceNumber).append("]\n")
                    .append("(0020,0037) DS [1\\0\\0\\0\\1\\0]\n")
                    .append("(0020,0052) UI [").append(frameOfReference).append("]\n")
                    .append("(0020,1040) LO []\n")
                    .append("(0028,0030) DS [0.5\\0.5]\n")
                    .append("(0028,1052) DS [-1024]\n")
                    .append("(0028,1053) DS [1]\n");
        } else {
            d.append("(0008,0008) CS [DERIVED\\SECONDARY]\n")
                    .append("(0008,0064) CS [WSD]\n");
        }
        return d.append("(7fe0,0010) OW =pixels.raw\n").toString();
    }

    /** dump2dcm for one instance, in its own folder under {@code work} (the dump names its pixels relatively). */
    private static void write(Path work, int index, String dump, Instance instance, Path dictionary)
            throws IOException {
        Path folder = Files.createDirectories(work.resolve(Integer.toString(index)));
        Files.write(folder.resolve("pixels.raw"), pixels(index + 1));
        Files.writeString(folder.resolve("instance.dump"), dump, StandardCharsets.UTF_8);
        Dcmtk.Result result = Dcmtk.run(Dcmtk.TIMEOUT,
                List.of("dump2dcm", "+te", "instance.dump", instance.file().toString()), folder,
                dictionary == null ? Map.of() : Map.of("DCMDICTPATH", dictionary.toString()));
        if (!result.ok() || !Files.isRegularFile(instance.file())) {
            throw new IOException("dump2dcm failed for " + instance.file() + " (exit " + result.exit() + "):\n"
                    + result.output() + "\n--- dump ---\n" + dump);
        }
    }

    /** 32×32 16-bit little-endian pixels, 12 bits used, a pattern shifted by {@code seed}. */
    private static byte[] pixels(int seed) {
        ByteBuffer raw = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                raw.putShort((short) (((x * 64 + y * 32 + seed * 97) & 0x0FFF)));
            }
        }
        return raw.array();
    }

    /**
     * A data dictionary of just the tags the dumps use (and the file meta group), cut from DCMTK's own: loading
     * DCMTK's full dictionaries is most of dump2dcm's run time (~20 ms of ~21 ms per file). Null (dump2dcm's
     * default dictionaries) if DCMTK's dicom.dic is not where Debian puts it.
     */
    private static Path dictionary(Path work, List<String> dumps) throws IOException {
        Path full;
        try (Stream<Path> shares = Files.list(Path.of("/usr/share"))) {
            full = shares.filter(p -> p.getFileName().toString().startsWith("libdcmtk"))
                    .map(p -> p.resolve("dicom.dic")).filter(Files::isRegularFile).findFirst().orElse(null);
        }
        if (full == null) {
            return null;
        }
        Set<String> tags = new HashSet<>();
        for (String dump : dumps) {
            Matcher m = TAG.matcher(dump);
            while (m.find()) {
                tags.add(("(" + m.group(1) + "," + m.group(2) + ")").toUpperCase(Locale.ROOT));
            }
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(full, StandardCharsets.UTF_8)) {
            String tag = line.length() >= 11 ? line.substring(0, 11).toUpperCase(Locale.ROOT) : "";
            if (line.startsWith("(0002,") || line.startsWith("(0000-u-FFFF,0000)") || tags.contains(tag)) {
                kept.add(line);
            }
        }
        return Files.write(work.resolve("subset.dic"), kept, StandardCharsets.UTF_8);
    }

    /**
     * A copy of a DICOM file cut in the middle of its pixel data (the last (7FE0,0010) element; the middle of
     * the file if there is none): a damaged file a receiver must refuse.
     */
    public static Path truncated(Path source, Path target) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        int tag = -1;
        for (int i = bytes.length - 8; i >= 132; i--) {
            if (bytes[i] == (byte) 0xE0 && bytes[i + 1] == 0x7F && bytes[i + 2] == 0x10 && bytes[i + 3] == 0x00) {
                tag = i;
                break;
            }
        }
        int cut = tag < 0 ? bytes.length / 2 : tag + 12 + (bytes.length - tag - 12) / 2;
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.write(target, Arrays.copyOf(bytes, cut));
    }

    /**
     * A copy of a DICOM file whose SOP Instance UID {@code uid} (in the meta header and the data set) is replaced by
     * {@code newUid} of the same length, byte for byte: many distinct instances from one made by a tool, without a
     * process per copy (load tests).
     */
    public static Path withSopInstanceUid(Path source, String uid, String newUid, Path target) throws IOException {
        if (uid.length() != newUid.length()) {
            throw new IllegalArgumentException("the new UID must be as long as the old: " + uid + " / " + newUid);
        }
        byte[] bytes = Files.readAllBytes(source);
        byte[] from = uid.getBytes(StandardCharsets.US_ASCII);
        byte[] to = newUid.getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
                replaced++;
            }
        }
        if (replaced != 2) {
            throw new IllegalArgumentException(source + " holds " + uid + " " + replaced + " times, not twice");
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.write(target, bytes);
    }

    /** A small PNG image: a file that is no DICOM at all. */
    public static Path notDicom(Path target) throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.getRaster().setSample(x, y, 0, x * 16);
            }
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", target.toFile())) {
            throw new IOException("no PNG writer");
        }
        return target;
    }

    private static void requireValue(String value, String name, int max) {
        if (value == null || value.isEmpty() || value.length() > max || value.matches("(?s).*[\\\\\\[\\]\\p{Cntrl}].*")) {
            throw new IllegalArgumentException(name + " must be 1-" + max
                    + " characters without backslash, brackets or control characters: " + value);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
