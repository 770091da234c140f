package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.ConditionRecorder;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.ImagingArchive;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;
import org.telehub.integration.api.StudySummary;
import org.telehub.integration.api.SystemType;
import org.telehub.integration.manager.internal.imaging.ImagingCapability;
import org.telehub.integration.manager.internal.record.ClinicalRecordCapability;
import org.telehub.integration.manager.internal.record.ConditionCapability;
import org.telehub.integration.manager.internal.record.MedicationCapability;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The manager asks handlers, not types: names, the read, and which handler files which part of a result. */
class CapabilityHandlersTest {
    private final List<String> calls = new ArrayList<>();

    /** An adapter that is both an EHR and a PACS, recording which of its writes were called. */
    private class Both implements Adapter, ClinicalRecordSystem, ImagingArchive {
        public AdapterInfo info() {
            return new AdapterInfo("both", SystemType.OTHER, "v", "p", "1");
        }

        public void connect() {
        }

        public void disconnect() {
        }

        public AdapterHealth health() {
            return null;
        }

        public Demographics patient(String id) {
            return new Demographics(id, "Tehrani", "Leyla", null, null);
        }

        public List<ObservationValue> observations(String id, int limit) {
            return List.of();
        }

        public DeliveryReceipt createObservation(String id, ObservationValue o, String key) {
            calls.add("observation " + key);
            return new DeliveryReceipt("obs-" + key, false);
        }

        public DeliveryReceipt createDiagnosticReport(String id, ReportDocument r, String key) {
            calls.add("ehr report " + key);
            return new DeliveryReceipt("rep-" + key, false);
        }

        public void echo() {
        }

        public List<StudySummary> findStudies(String id) {
            return List.of();
        }

        public DeliveryReceipt storeReport(String id, String study, ReportDocument r, String key) {
            calls.add("pacs report " + key);
            return new DeliveryReceipt("sop-" + key, false);
        }
    }

    private static CapabilityHandlers handlers(boolean ehr, boolean imaging) {
        CapabilityHandlers h = new CapabilityHandlers();
        if (imaging) {
            h.addHandler(new ImagingCapability(), Map.of("service.ranking", 0));
        }
        if (ehr) {
            h.addHandler(new ClinicalRecordCapability(), Map.of("service.ranking", 10));
        }
        return h;
    }

    private static Result result() {
        ReportDocument report = new ReportDocument("11488-4", null, "Consult", "Stable", null, null, Instant.EPOCH, "x");
        ObservationValue o = new ObservationValue("8867-4", null, null, 72.0, "/min", null, Instant.EPOCH, "x");
        return new Result(report, null, List.of(o, o), null);
    }

    @Test
    void aReportGoesOnceToTheHigherRankedHandlerAndObservationsGetOneKeyEach() throws AdapterException {
        Both a = new Both();
        CapabilityHandlers h = handlers(true, true);
        assertEquals(List.of("ClinicalRecordSystem", "ImagingArchive"), h.names(a));
        List<String> remote = h.deliver(a, "MRN-1", result(), "d1");
        assertEquals(List.of("ehr report d1", "observation d1/0", "observation d1/1"), calls);
        assertEquals(List.of("rep-d1", "obs-d1/0", "obs-d1/1"), remote);
    }

    @Test
    void withoutItsHandlerACapabilityIsUnknownAndTakesNothing() throws AdapterException {
        Both a = new Both();
        CapabilityHandlers imagingOnly = handlers(false, true);
        assertEquals(List.of("ImagingArchive"), imagingOnly.names(a));
        assertFalse(imagingOnly.accepts(a, EnumSet.of(ResultPart.OBSERVATIONS)));
        imagingOnly.deliver(a, "MRN-1", result(), "d2");
        assertEquals(List.of("pacs report d2"), calls, "the report to the PACS; the observations to no one");

        CapabilityHandlers none = handlers(false, false);
        assertEquals(List.of(), none.names(a));
        AdapterException e = assertThrows(AdapterException.class, () -> none.deliver(a, "MRN-1", result(), "d3"));
        assertTrue(e.retryable(), "its handler may be away for an update");
    }

    /** {@link Both} that also keeps diagnoses (but takes no prescriptions). */
    private final class WithProblems extends Both implements ConditionRecorder {
        public DeliveryReceipt createCondition(String id, ConditionEntry c, String key) {
            calls.add("condition " + c.code() + " " + key);
            return new DeliveryReceipt("cond-" + key, false);
        }
    }

    @Test
    void diagnosesGoToASystemThatKeepsThemOneKeyEachAndAPrescriptionToNoneThatDoesNotTakeIt() throws Exception {
        CapabilityHandlers h = handlers(true, true);
        h.addHandler(new ConditionCapability(), Map.of());
        h.addHandler(new MedicationCapability(), Map.of());
        ConditionEntry dx = new ConditionEntry("E11.9", "http://hl7.org/fhir/sid/icd-10", null, true, null, null);
        ConditionEntry dx2 = new ConditionEntry("E78.5", "http://hl7.org/fhir/sid/icd-10", null, false, null, null);
        MedicationOrder rx = new MedicationOrder(null, null, "Metformin", null, null, null, null, null, null, null,
                null, null);
        Result r = new Result(result().report(), null, null, null, List.of(dx, dx2), List.of(rx));
        assertEquals(EnumSet.of(ResultPart.REPORT, ResultPart.CONDITIONS, ResultPart.MEDICATIONS), r.parts());
        WithProblems a = new WithProblems();
        assertEquals(List.of("ClinicalRecordSystem", "ConditionRecorder", "ImagingArchive"), h.names(a));
        assertEquals(List.of("rep-d4", "cond-d4/condition/0", "cond-d4/condition/1"), h.deliver(a, "MRN-1", r, "d4"));
        assertEquals(List.of("ehr report d4", "condition E11.9 d4/condition/0", "condition E78.5 d4/condition/1"),
                calls);
        // a system with neither capability takes neither part
        assertFalse(h.accepts(new Both(), EnumSet.of(ResultPart.CONDITIONS, ResultPart.MEDICATIONS)));
    }

    @Test
    void aSystemAnswerRendersItsCapabilitiesMembersAsBefore() throws Exception {
        Both a = new Both();
        Map<String, Object> data = handlers(true, true).read(a, "MRN-1");
        assertEquals(Set.of("demographics", "observations", "studies"), data.keySet());
        ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        String rendered = json.writeValueAsString(new IntegrationService.SystemAnswer("both", "OTHER", CallStatus.OK,
                null, 12L, "MRN-1", Map.of("studies", List.of())));
        assertEquals("{\"adapterId\":\"both\",\"systemType\":\"OTHER\",\"status\":\"OK\",\"latencyMillis\":12,"
                + "\"systemPatientId\":\"MRN-1\",\"studies\":[]}", rendered);
        assertEquals("\"partial\"", json.writeValueAsString(IntegrationService.ReadOutcome.PARTIAL));
        assertEquals("\"in_flight\"", json.writeValueAsString(DeliveryState.IN_FLIGHT));
    }

    /** {@link WithProblems} whose EHR side says it files no results (a read-only API). */
    private final class ReadOnly extends Both implements ConditionRecorder {
        @Override
        public boolean takesResults() {
            return false;
        }

        public DeliveryReceipt createCondition(String id, ConditionEntry c, String key) {
            throw new AssertionError("never asked");
        }
    }

    @Test
    void aSystemThatFilesNoResultsIsPlannedNothingAndItsPacsSideStillTakesTheReport() throws Exception {
        CapabilityHandlers h = handlers(true, true);
        h.addHandler(new ConditionCapability(), Map.of());
        ConditionEntry dx = new ConditionEntry("E11.9", "http://hl7.org/fhir/sid/icd-10", null, true, null, null);
        Result r = new Result(result().report(), null, result().observations(), null, List.of(dx), List.of());
        ReadOnly a = new ReadOnly();
        assertFalse(h.accepts(a, EnumSet.of(ResultPart.OBSERVATIONS, ResultPart.CONDITIONS)));
        assertTrue(h.accepts(a, EnumSet.of(ResultPart.REPORT)), "the imaging side takes the report");
        h.deliver(a, "MRN-1", r, "d9");
        assertEquals(List.of("pacs report d9"), calls);
        assertFalse(handlers(true, false).accepts(a, r.parts()));
    }
}
