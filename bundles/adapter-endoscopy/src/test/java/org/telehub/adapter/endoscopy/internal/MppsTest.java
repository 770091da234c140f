package org.telehub.adapter.endoscopy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.integration.api.PerformedStep;
import org.telehub.adapter.endoscopy.testing.MemorySteps;
import org.telehub.adapter.endoscopy.testing.MppsRequests;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.testing.dicom.MppsScu;
import org.telehub.testing.dicom.MppsScu.Response;
import org.telehub.testing.dicom.MppsScu.Step;

/**
 * The MPPS SCP against an SCU that is not ours (npm's dcmjs-dimse): a step started and completed; each refusal
 * with PS3.4's status (an N-SET after completion, an unknown step, a second N-CREATE of one step, a start not IN
 * PROGRESS, no Patient ID, an end without its date); a sender that is not configured refused at association. The
 * store here is a map with the manager's rule (an update applies only while in progress); the manager's own,
 * on PostgreSQL, is in the distribution's test (PacsIT).
 */
class MppsTest {
    @TempDir
    static Path dir;
    private EndoscopyAdapter adapter;
    private final MemorySteps steps = new MemorySteps();

    @AfterEach
    void close() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private EndoscopyAdapter adapter() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, Object> values = new HashMap<>(Map.of("id", "endo-1", "worklistHost", "127.0.0.1",
                "worklistPort", 1, "worklistAe", "ENDOWL", "timeoutMillis", 5000, "mppsPort", port,
                "senders", new String[] {"EVISX1@127.0.0.1"}, "callingAe", "TELEHUB", "timeZone", "Asia/Tehran"));
        adapter = new EndoscopyAdapter(WorklistTest.config(values), "test", null, steps, dir.resolve("data"));
        return adapter;
    }

    private List<Response> send(String callingAe, Step... requests) {
        return MppsScu.send("127.0.0.1", adapter.mppsPort(), callingAe, "TELEHUB", List.of(requests));
    }

    /** An N-CREATE as an endoscope starting the scheduled colonoscopy SPS-FA-1 sends it. */
    static Map<String, Object> started(String patientId) {
        return MppsRequests.started(patientId, "ACC-FA-1", "2.25.4242", "SPS-FA-1", "EVISX1");
    }

    static Map<String, Object> ended(String status) {
        return MppsRequests.ended(status);
    }

    @Test
    void aStepStartsAndCompletesAndIsThenFinal() throws Exception {
        adapter();
        List<Response> r = send("EVISX1", Step.create("2.25.900001", started("PAT-FA")),
                Step.set("2.25.900001", Map.of("PerformedProcedureStepDescription", "Colonoscopy with biopsy")),
                Step.set("2.25.900001", ended("COMPLETED")),
                Step.set("2.25.900001", ended("DISCONTINUED")));
        assertEquals(List.of(0, 0, 0, Mpps.PROCESSING_FAILURE), r.stream().map(Response::status).toList(),
                r.toString());
        assertEquals("Performed Procedure Step Object may no longer be updated", r.get(3).errorComment());
        PerformedStep s = steps.get("endo-1", "2.25.900001");
        assertEquals("PAT-FA", s.patientId());
        assertEquals("SPS-FA-1", s.scheduledStepId());
        assertEquals("ACC-FA-1", s.accessionNumber());
        assertEquals("2.25.4242", s.studyInstanceUid());
        assertEquals("EVISX1", s.stationAe());
        assertEquals("COMPLETED", s.status());
        assertEquals("Colonoscopy with biopsy", s.description());
        assertEquals(Instant.parse("2026-12-10T06:05:00Z"), s.started(), "no offset: the configured zone's time");
        assertEquals(Instant.parse("2026-12-10T06:40:00Z"), s.ended());
        assertTrue(adapter.health().detail().contains("3 recorded, 1 refused"), adapter.health().detail());

        // the patient's procedures: the scheduled one shows where it stands
        List<ProcedureSummary> merged = EndoscopyAdapter.performed(List.of(new ProcedureSummary("SPS-FA-1",
                "Colonoscopy", Instant.parse("2026-12-10T06:00:00Z"), "SCHEDULED", "ACC-FA-1", "2.25.4242", "ENDO1",
                "ES")), steps.ofPatient("endo-1", "PAT-FA"));
        assertEquals(1, merged.size(), merged.toString());
        assertEquals("COMPLETED", merged.get(0).status());
        assertEquals(Instant.parse("2026-12-10T06:05:00Z"), merged.get(0).performedAt());
        assertEquals("EVISX1", merged.get(0).stationAe());
    }

    @Test
    void eachRefusalCarriesItsStatusAndChangesNothing() throws Exception {
        adapter();
        Map<String, Object> notStarted = new HashMap<>(started("PAT-X"));
        notStarted.put("PerformedProcedureStepStatus", "COMPLETED");
        Map<String, Object> noPatient = new HashMap<>(started("PAT-X"));
        noPatient.remove("PatientID");
        List<Response> r = send("EVISX1", Step.create("2.25.900002", started("PAT-X")),
                Step.create("2.25.900002", started("PAT-X")),
                Step.set("2.25.999999", ended("COMPLETED")),
                Step.create("2.25.900003", notStarted),
                Step.create("2.25.900004", noPatient),
                Step.set("2.25.900002", Map.of("PerformedProcedureStepStatus", "COMPLETED")),
                Step.set("2.25.900002", Map.of("PerformedProcedureStepStatus", "PAUSED")));
        assertEquals(List.of(0, Mpps.DUPLICATE_INSTANCE, Mpps.NO_SUCH_INSTANCE, Mpps.INVALID_VALUE,
                Mpps.MISSING_ATTRIBUTE, Mpps.MISSING_ATTRIBUTE, Mpps.INVALID_VALUE),
                r.stream().map(Response::status).toList(), r.toString());
        assertTrue(r.get(4).errorComment().contains("(0010,0020)"), r.get(4).toString());
        assertTrue(r.get(5).errorComment().contains("(0040,0250)"), r.get(5).toString());
        assertEquals(List.of("endo-1/2.25.900002"), steps.keys());
        assertEquals("IN PROGRESS", steps.get("endo-1", "2.25.900002").status(), "unchanged by the refusals");
        assertNull(steps.get("endo-1", "2.25.900002").ended());
    }

    @Test
    void aSenderThatIsNotConfiguredIsRefusedAtAssociation() throws Exception {
        adapter();
        assertEquals(List.of(), send("INTRUDER", Step.create("2.25.900005", started("PAT-Y"))));
        assertEquals(List.of(), steps.keys());
    }
}
