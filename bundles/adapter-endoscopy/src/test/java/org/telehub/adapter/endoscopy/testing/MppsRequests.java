package org.telehub.adapter.endoscopy.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data sets an endoscope sends by MPPS (dicom-peers' {@code MppsScu} sends them), for the adapter's tests. */
public final class MppsRequests {
    private MppsRequests() {
    }

    /** An N-CREATE as an endoscope at {@code station} starting a scheduled colonoscopy sends it (a Persian name). */
    public static Map<String, Object> started(String patientId, String accession, String studyUid, String stepId,
            String station) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("SpecificCharacterSet", "ISO_IR 192");
        d.put("PatientName", "رحیمی^سارا");
        d.put("PatientID", patientId);
        d.put("ScheduledStepAttributesSequence", List.of(Map.of("AccessionNumber", accession,
                "StudyInstanceUID", studyUid, "ScheduledProcedureStepID", stepId)));
        d.put("PerformedProcedureStepID", "PPS-1");
        d.put("PerformedStationAETitle", station);
        d.put("PerformedProcedureStepStartDate", "20261210");
        d.put("PerformedProcedureStepStartTime", "093500");
        d.put("PerformedProcedureStepStatus", "IN PROGRESS");
        d.put("PerformedProcedureStepDescription", "Colonoscopy");
        d.put("Modality", "ES");
        return d;
    }

    /** An N-SET ending the step with {@code status} (COMPLETED, DISCONTINUED) at 10:10. */
    public static Map<String, Object> ended(String status) {
        return Map.of("PerformedProcedureStepStatus", status, "PerformedProcedureStepEndDate", "20261210",
                "PerformedProcedureStepEndTime", "101000");
    }
}
