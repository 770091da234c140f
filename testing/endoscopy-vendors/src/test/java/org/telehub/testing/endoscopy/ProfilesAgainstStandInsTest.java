package org.telehub.testing.endoscopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.telehub.adapter.endoscopy.fujifilm.internal.FujifilmEndoscopy;
import org.telehub.adapter.endoscopy.internal.GenericEndoscopy;
import org.telehub.adapter.endoscopy.olympus.internal.OlympusEndoscopy;
import org.telehub.adapter.endoscopy.pentax.internal.PentaxEndoscopy;
import org.telehub.adapter.endoscopy.storz.internal.StorzEndoscopy;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.telehub.adapter.endoscopy.testing.MemorySteps;
import org.telehub.adapter.endoscopy.testing.MppsRequests;
import org.telehub.endoscopy.EndoscopyProfile;
import org.telehub.endoscopy.EndoscopySystem;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.PerformedSteps;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.SystemType;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.MppsScu;
import org.telehub.testing.dicom.MppsScu.Step;
import org.telehub.testing.dicom.StoreScp;
import org.telehub.testing.dicom.Wlmscpfs;
import org.w3c.dom.Element;

/**
 * The generic suite once per profile (issue 22): each system is made by its profile's own component class, as
 * Declarative Services makes it from a configuration that names only the site's addresses, so every other setting is
 * the profile's default. Against real peers on 127.0.0.1: DCMTK's {@code wlmscpfs} (one worklist, an entry per
 * profile), npm's dcmjs-dimse sending MPPS, DCMTK's {@code storescu} sending a VL Endoscopic and a Secondary Capture
 * image, DCMTK's {@code dsrdump} reading the analysis result back. Each profile's form (what the web console
 * shows) and README table are checked against its defaults.
 */
class ProfilesAgainstStandInsTest {
    @TempDir
    static Path dir;
    private static Wlmscpfs wl;

    /** A profile: its component, its configuration PID, its metatype, and its README (none for the generic). */
    record Profile(String name, EndoscopyProfile profile, Factory factory, String pid, String component,
            String readme) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A profile's component constructor, as Declarative Services calls it. */
    interface Factory {
        EndoscopySystem make(Map<String, Object> properties, InstanceIntake intake, PerformedSteps steps)
                throws IOException;
    }

    static Stream<Profile> profiles() {
        return Stream.of(
                new Profile("generic", EndoscopyProfile.GENERIC, GenericEndoscopy::new,
                        "org.telehub.adapter.endoscopy", GenericEndoscopy.class.getName(), null),
                new Profile("olympus", OlympusEndoscopy.PROFILE, OlympusEndoscopy::new,
                        "org.telehub.adapter.endoscopy.olympus", OlympusEndoscopy.class.getName(),
                        "adapter-endoscopy-olympus"),
                new Profile("pentax", PentaxEndoscopy.PROFILE, PentaxEndoscopy::new,
                        "org.telehub.adapter.endoscopy.pentax", PentaxEndoscopy.class.getName(),
                        "adapter-endoscopy-pentax"),
                new Profile("fujifilm", FujifilmEndoscopy.PROFILE, FujifilmEndoscopy::new,
                        "org.telehub.adapter.endoscopy.fujifilm", FujifilmEndoscopy.class.getName(),
                        "adapter-endoscopy-fujifilm"),
                new Profile("storz", StorzEndoscopy.PROFILE, StorzEndoscopy::new,
                        "org.telehub.adapter.endoscopy.storz", StorzEndoscopy.class.getName(),
                        "adapter-endoscopy-storz"));
    }

    @BeforeAll
    static void worklist() throws IOException {
        // where a component made outside Karaf keeps its files
        System.setProperty("karaf.data", dir.resolve("karaf-data").toString());
        wl = Wlmscpfs.start(dir, "ENDOWL");
        for (Profile p : profiles().toList()) {
            wl.add(p.name(), Wlmscpfs.step("ISO_IR 192", "رحیمی^سارا", patient(p), accession(p), "20261210",
                    "093000", null, "ENDO1", "ES", step(p), "Colonoscopy"), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() {
        if (wl != null) {
            wl.close();
        }
    }

    private static String patient(Profile p) {
        return "PAT-" + p.name().toUpperCase(java.util.Locale.ROOT);
    }

    private static String accession(Profile p) {
        return "ACC-" + p.name().toUpperCase(java.util.Locale.ROOT);
    }

    private static String step(Profile p) {
        return "SPS-" + p.name().toUpperCase(java.util.Locale.ROOT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** What the hub's intake was handed. */
    record Kept(ReceivedInstance instance, String accession, Path file, List<String> forwardTo) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void theGenericSuite(Profile p) throws Exception {
        List<Kept> kept = new CopyOnWriteArrayList<>();
        InstanceIntake intake = (adapterId, instance, accession, file, forwardTo) -> {
            try {
                Path copy = Files.copy(file, dir.resolve(p.name() + "-kept-" + kept.size() + ".dcm"),
                        StandardCopyOption.REPLACE_EXISTING);
                kept.add(new Kept(instance, accession, copy, forwardTo));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        MemorySteps steps = new MemorySteps();
        // a site's configuration: its addresses and who sends; everything else the profile's
        Map<String, Object> site = new HashMap<>(Map.of("id", "endo-" + p.name(), "worklistHost", "127.0.0.1",
                "worklistPort", Integer.toString(wl.port()), "worklistAe", "ENDOWL", "storagePort",
                Integer.toString(freePort()), "mppsPort", Integer.toString(freePort()), "senders", "ENDO1@127.0.0.1",
                "forwardTo", "pacs-1", "timeZone", "Asia/Tehran", "timeoutMillis", "5000"));
        // the system's own storage SCP, which the results the hub makes are sent back to: DCMTK's storescp
        StoreScp own = StoreScp.start(dir.resolve(p.name() + "-own-store"), "ENDOSTORE");
        site.put("resultsStore", "ENDOSTORE@127.0.0.1:" + own.port());
        Map<String, Object> defaults = p.profile().defaults();
        EndoscopySystem system;
        try {
            system = p.factory().make(site, intake, steps);
        } catch (IOException | RuntimeException e) {
            own.close(); // no storescp left running behind a configuration refused
            throw e;
        }
        try {
            assertEquals(p.profile(), system.profile());
            assertEquals(SystemType.ENDOSCOPY, system.info().systemType());
            assertEquals(defaults.get("vendor"), system.info().vendor(), "the profile's name for the system");
            system.connect();
            assertEquals(AdapterHealth.State.UP, system.health().state(), system.health().toString());

            // the procedure list, from the worklist
            List<ProcedureSummary> listed = system.procedures(patient(p));
            assertEquals(1, listed.size(), listed.toString());
            assertEquals(step(p), listed.get(0).procedureId());
            assertEquals("SCHEDULED", listed.get(0).status());
            assertEquals(accession(p), listed.get(0).accessionNumber());

            // the procedure performed: MPPS from a sender that is not our code
            String ppsUid = "2.25.900001";
            List<MppsScu.Response> r = MppsScu.send("127.0.0.1", system.mppsPort(), "ENDO1", "TELEHUB", List.of(
                    Step.create(ppsUid, MppsRequests.started(patient(p), accession(p),
                            Wlmscpfs.studyInstanceUid(accession(p)), step(p), "ENDO1")),
                    Step.set(ppsUid, MppsRequests.ended("COMPLETED"))));
            assertEquals(List.of(0, 0), r.stream().map(MppsScu.Response::status).toList(), r.toString());
            assertEquals("COMPLETED", system.procedures(patient(p)).get(0).status());

            // images: a VL Endoscopic always; a Secondary Capture where the profile says the system sends them
            String study = Wlmscpfs.studyInstanceUid(accession(p));
            Path vl = Dcmtk.vlEndoscopic(dir.resolve(p.name()), "vl", patient(p), "رحیمی^سارا", accession(p), study,
                    1);
            Path sc = Dcmtk.vlEndoscopic(dir.resolve(p.name()), "sc", patient(p), "رحیمی^سارا", accession(p), study,
                    2);
            Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmodify", "-nb", "-m", "SOPClassUID=" + SECONDARY_CAPTURE,
                    sc.toString())).orThrow();
            assertTrue(Dcmtk.storescu("127.0.0.1", system.storagePort(), "ENDO1", "TELEHUB", List.of(vl),
                    List.of("-xy")).ok(), "the VL Endoscopic image is taken");
            boolean takesSc = defaults.get("storageClasses").toString().contains("SECONDARY_CAPTURE");
            Dcmtk.Result scSent = Dcmtk.storescu("127.0.0.1", system.storagePort(), "ENDO1", "TELEHUB", List.of(sc),
                    List.of("-xy"));
            assertEquals(takesSc, scSent.ok(), scSent.output());
            List<String> classes = kept.stream().map(k -> k.instance().sopClassUid()).toList();
            assertEquals(takesSc ? List.of(Dcmtk.VL_ENDOSCOPIC_IMAGE, SECONDARY_CAPTURE)
                    : List.of(Dcmtk.VL_ENDOSCOPIC_IMAGE), classes);
            for (Kept k : kept) {
                assertEquals(patient(p), k.instance().patientId());
                assertEquals("رحیمی^سارا", k.instance().patientName());
                assertEquals(accession(p), k.accession());
                assertEquals(List.of("pacs-1"), k.forwardTo(), "its images to the archive only");
            }

            // an analysis result back, as the profile files it: an SR dsrdump reads, and an image where it says so
            int before = kept.size();
            DeliveryReceipt receipt = system.sendAnalysisResult(patient(p), new AnalysisResult(step(p),
                    "Sessile polyp, 6 mm", null, "68496003", "http://snomed.info/sct", "Polyp of colon", 0.93,
                    "PolypNet", "2.1"), "polyp-" + p.name());
            List<Kept> made = kept.subList(before, kept.size());
            String objects = defaults.get("analysisObjects").toString();
            assertEquals(objects.split(",").length, receipt.remoteId().split(",").length, receipt.toString());
            assertEquals(objects.contains("SR"), made.stream().anyMatch(k -> k.instance().modality().equals("SR")));
            assertEquals(objects.contains("SC"), made.stream().anyMatch(k -> k.instance().sopClassUid()
                    .equals(SECONDARY_CAPTURE)));
            for (Kept k : made) {
                assertEquals(study, k.instance().studyInstanceUid(), "in the procedure's study");
                if (k.instance().modality().equals("SR")) {
                    String sr = Dcmtk.dsrdump(k.file()).orThrow().output();
                    assertTrue(sr.contains("(121071,DCM,\"Finding\")=(68496003,SCT,\"Polyp of colon\")"), sr);
                    assertTrue(sr.contains("\"93\" (%,UCUM,\"Percent\")"), sr);
                }
            }
            // to the archive and back to the system, each a forward of the hub's; the hub's forward to the system
            // is this adapter's store(): the results arrive at its storage SCP as they were made
            for (Kept k : made) {
                assertEquals(List.of("pacs-1", "endo-" + p.name()), k.forwardTo());
            }
            List<StoreOutcome> sent = system.store(made.stream().map(Kept::file).toList());
            assertTrue(sent.stream().allMatch(StoreOutcome::stored), sent.toString());
            List<Path> arrived = own.awaitFiles(made.size(), Duration.ofSeconds(20));
            assertEquals(made.stream().map(k -> k.instance().sopInstanceUid()).sorted().toList(), arrived.stream()
                    .map(f -> f.getFileName().toString().replaceFirst("^[A-Za-z]+\\.", "")).sorted().toList());
            for (Path f : arrived) {
                if (f.getFileName().toString().startsWith("SR")) { // storescp names a Comprehensive SR "SRc."
                    String sr = Dcmtk.dsrdump(f).orThrow().output();
                    assertTrue(sr.contains("(121071,DCM,\"Finding\")=(68496003,SCT,\"Polyp of colon\")"), sr);
                }
            }
            String detail = system.health().detail();
            // a class the profile does not take is refused in negotiation: nothing received, nothing to refuse
            assertTrue(detail.contains((takesSc ? 2 : 1) + " kept, 0 refused")
                    && detail.contains("2 recorded, 0 refused"), detail);
        } finally {
            system.close();
            own.close();
        }
    }

    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

    /**
     * The web console's form: the profile's form component is registered for its factory PID and shows every setting
     * with the profile's default; the system's component takes that PID, only when configured.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void theFormShowsTheProfilesDefaults(Profile p) throws Exception {
        Element component = xml("OSGI-INF/" + p.component() + ".xml");
        assertEquals(p.pid(), component.getAttribute("configuration-pid"));
        assertEquals("require", component.getAttribute("configuration-policy"));
        assertEquals("deactivate", component.getAttribute("deactivate"), "its SCPs closed when it goes");

        String formClass = p.component().replace("Endoscopy", "Form");
        Element form = xml("OSGI-INF/" + formClass + ".xml");
        Element property = (Element) form.getElementsByTagName("property").item(0);
        assertEquals("metatype.factory.pid", property.getAttribute("name"));
        assertEquals(p.pid(), property.getAttribute("value"));
        assertEquals(MetaTypeProvider.class.getName(), ((Element) form.getElementsByTagName("provide").item(0))
                .getAttribute("interface"));

        MetaTypeProvider provider = (MetaTypeProvider) Class.forName(formClass).getConstructor().newInstance();
        Map<String, String> shown = new TreeMap<>();
        for (AttributeDefinition a : provider.getObjectClassDefinition(p.pid(), null)
                .getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            shown.put(a.getID(), a.getDefaultValue() == null ? null : String.join(",", a.getDefaultValue()));
        }
        Map<String, String> defaults = new TreeMap<>();
        for (String s : EndoscopyProfile.settings()) {
            Object v = p.profile().defaults().get(s);
            defaults.put(s, v == null || EndoscopyProfile.show(v).isEmpty() && v instanceof String[] ? null
                    : EndoscopyProfile.show(v));
        }
        assertEquals(defaults, shown);
    }

    private static Element xml(String resource) throws Exception {
        try (InputStream in = ProfilesAgainstStandInsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
        }
    }

    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| `([^`]*)` \\| `([^`]*)` \\| (.+) \\|$");

    /**
     * The vendor's README: its table lists exactly the defaults that differ from the generic profile, each with the
     * generic value, the vendor's and its source; a source the profile calls assumed says so in the README too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void theReadmeTableIsTheProfile(Profile p) throws IOException {
        if (p.readme() == null) {
            assertTrue(p.profile().differences().isEmpty());
            return;
        }
        List<String> rows = new ArrayList<>();
        Map<String, String> sources = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("../../bundles", p.readme(), "README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(m.group(1) + "=" + m.group(2) + "→" + m.group(3));
                sources.put(m.group(1), m.group(4));
            }
        }
        List<String> expected = p.profile().differences().stream().map(d -> d.setting() + "="
                + EndoscopyProfile.show(d.generic()) + "→" + EndoscopyProfile.show(d.value())).toList();
        assertEquals(expected, rows, "the README's table of defaults");
        for (EndoscopyProfile.Difference d : p.profile().differences()) {
            assertEquals(d.source().startsWith("assumed"), sources.get(d.setting()).toLowerCase(java.util.Locale.ROOT)
                    .contains("assumed"), d.setting() + ": " + sources.get(d.setting()));
        }
    }
}
