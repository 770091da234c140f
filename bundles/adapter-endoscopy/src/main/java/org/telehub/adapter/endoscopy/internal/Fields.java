package org.telehub.adapter.endoscopy.internal;

import java.util.List;
import java.util.Map;

/**
 * What the web console's form says of each setting ({@link Settings}): one list for every profile, whose defaults
 * are the profile's (see {@code org.telehub.endoscopy.EndoscopyForm}).
 */
public final class Fields {
    /** One setting in the form: its label and help, whether it must be given, its bounds and choices. */
    public record Field(String id, String name, String description, boolean required, Integer min, Integer max,
            Map<String, String> options) {
    }

    public static final List<Field> ALL = List.of(
            field("id", "Adapter id", "Unique, stable id of this system in the hub, e.g. endo-suite-1 (letters, "
                    + "digits, . _ -); patients' identifiers in it are kept under this id", true),
            field("vendor", "Vendor", "Shown in status", false),
            field("worklistHost", "Worklist host", "The Modality Worklist provider (the endoscopy information "
                    + "system, the RIS, or the vendor's server)", true),
            number("worklistPort", "Worklist port", "The provider's port", 1, 65535),
            field("worklistAe", "Worklist AE title", "The provider's called AE title", true),
            field("callingAe", "Calling AE title", "Telehub's AE title towards the provider and the system: "
                    + "register it there", false),
            field("modality", "Modality", "Scheduled Procedure Step Modality asked for: ES (endoscopy); empty: every "
                    + "modality", false),
            field("stationAe", "Station AE title", "Only steps scheduled on this station (Scheduled Station AE "
                    + "Title); empty: every station", false),
            field("characterSet", "Character set", "Specific Character Set of the queries: ISO_IR 192 (UTF-8) asks "
                    + "for names in any script; answers are read in the character set they declare, or in this one "
                    + "when they declare none", false),
            field("timeZone", "Time zone", "The zone of scheduled dates and times that carry no Timezone Offset From "
                    + "UTC (e.g. Asia/Tehran); empty: this machine's", false),
            number("timeoutMillis", "Timeout (ms)", "Connection and answer timeout of each query, and how long the "
                    + "SCPs wait on a silent sender", 100, null),
            number("storagePort", "Storage SCP port", "Where the system sends its images and videos, to the Calling "
                    + "AE title above; 0: no storage SCP", 0, 65535),
            number("mppsPort", "MPPS SCP port", "Where the system reports its performed procedure steps (Modality "
                    + "Performed Procedure Step N-CREATE, N-SET), to the Calling AE title above; 0: no MPPS SCP",
                    0, 65535),
            field("bindAddress", "SCP bind address", "The address the storage and MPPS SCPs listen on", false),
            field("senders", "Senders", "Who may send images and procedure steps: AE@host for each, separated by "
                    + "commas (the system's own AE title and its host name or address); anyone else is refused at "
                    + "association", false),
            field("forwardTo", "Forward to", "The id of the PACS adapter every received instance and analysis result "
                    + "is forwarded to, durably; empty: kept in the hub only, and analysis results only where "
                    + "\"Results to the system\" says", false),
            number("maxPdu", "Maximum PDU", "Largest PDU the SCPs receive (bytes)", 4096, null),
            new Field("analysisObjects", "Analysis results as", "What an analysis result sent back becomes in the "
                    + "procedure's study: a TID 1500 structured report, a Secondary Capture image with the finding "
                    + "burned in (for systems and viewers that cannot show SR), or both", false, null, null,
                    options("SR", "Structured report (SR)", "SC", "Secondary Capture image (SC)", "SR,SC",
                            "Both (SR,SC)")),
            field("storageClasses", "Storage classes", "What the system sends: VL_ENDOSCOPIC, VIDEO_ENDOSCOPIC, "
                    + "SECONDARY_CAPTURE, VL_PHOTOGRAPHIC, separated by commas; other classes are refused in "
                    + "negotiation", false),
            field("videoSource", "Live video", "The system's live picture, which a visit's doctor may show in the "
                    + "visit: an RTSP stream (rtsp://host:port/path, H.264, e.g. a streaming box on the video "
                    + "processor's output; no user name or password in it) or a capture card on this machine "
                    + "(/dev/video0); empty: none", false),
            field("videoSize", "Live video size", "Width x height the picture is sent at, e.g. 1280x720 (even "
                    + "numbers; the source is scaled)", false),
            number("videoFps", "Live video frames per second", "Frames per second sent (1-60)", 1, 60),
            field("resultsStore", "Results to the system", "The system's own storage SCP, as AE@host:port, which "
                    + "the analysis results the hub makes for its procedures are also sent to (durably, as "
                    + "\"Analysis results as\" says), so that they are shown where the procedure was done; empty: "
                    + "to the archive only", false));

    private Fields() {
    }

    private static Field field(String id, String name, String description, boolean required) {
        return new Field(id, name, description, required, null, null, Map.of());
    }

    private static Field number(String id, String name, String description, Integer min, Integer max) {
        return new Field(id, name, description, false, min, max, Map.of());
    }

    private static Map<String, String> options(String... valueLabel) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < valueLabel.length; i += 2) {
            out.put(valueLabel[i], valueLabel[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
