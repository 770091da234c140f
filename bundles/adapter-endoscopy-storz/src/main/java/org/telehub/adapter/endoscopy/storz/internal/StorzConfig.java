package org.telehub.adapter.endoscopy.storz.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Telehub endoscopy system (KARL STORZ)",
        description = "One KARL STORZ AIDA system (or the endoscopy information system / RIS that "
        + "schedules it): the shared endoscopy adapter with this vendor's defaults, each with its source in the "
        + "bundle's README.")
@interface StorzConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id of this system in the hub, e.g. "
            + "endo-suite-1 (letters, digits, . _ -); patients' identifiers in it are kept under this id")
    String id();

    @AttributeDefinition(name = "Vendor", description = "Shown in status, e.g. Olympus EndoBASE", required = false)
    String vendor() default "KARL STORZ (AIDA)";

    @AttributeDefinition(name = "Worklist host", description = "The Modality Worklist provider (the endoscopy "
            + "information system, the RIS, or the vendor's server)")
    String worklistHost();

    @AttributeDefinition(name = "Worklist port", min = "1", max = "65535")
    int worklistPort() default 104;

    @AttributeDefinition(name = "Worklist AE title", description = "The provider's called AE title")
    String worklistAe();

    @AttributeDefinition(name = "Calling AE title", description = "Telehub's AE title towards the provider: "
            + "register it there")
    String callingAe() default "TELEHUB";

    @AttributeDefinition(name = "Modality", description = "Scheduled Procedure Step Modality asked for: ES "
            + "(endoscopy); empty: every modality", required = false)
    String modality() default "ES";

    @AttributeDefinition(name = "Station AE title", description = "Only steps scheduled on this station (Scheduled "
            + "Station AE Title); empty: every station", required = false)
    String stationAe() default "";

    @AttributeDefinition(name = "Character set", description = "Specific Character Set of the queries: ISO_IR 192 "
            + "(UTF-8) asks for names in any script; answers are read in the character set they declare")
    String characterSet() default "ISO_IR 192";

    @AttributeDefinition(name = "Time zone", description = "The zone of scheduled dates and times that carry no "
            + "Timezone Offset From UTC (e.g. Asia/Tehran); empty: this machine's", required = false)
    String timeZone() default "";

    @AttributeDefinition(name = "Timeout (ms)", description = "Connection and answer timeout of each query, and how "
            + "long the storage SCP waits on a silent sender", min = "100")
    int timeoutMillis() default 15000;

    @AttributeDefinition(name = "Storage SCP port", description = "Where the system sends its VL and Video Endoscopic "
            + "images, to the Calling AE title above; 0: no storage SCP", min = "0", max = "65535")
    int storagePort() default 0;

    @AttributeDefinition(name = "MPPS SCP port", description = "Where the system reports its performed procedure steps "
            + "(Modality Performed Procedure Step N-CREATE, N-SET), to the Calling AE title above; 0: no MPPS SCP",
            min = "0", max = "65535")
    int mppsPort() default 0;

    @AttributeDefinition(name = "SCP bind address", description = "The address the storage and MPPS SCPs listen on")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(name = "Senders", description = "Who may send images and procedure steps: AE@host for each, "
            + "separated by commas (the system's own AE title and its host name or address); anyone else is "
            + "refused at association", required = false)
    String[] senders() default {};

    @AttributeDefinition(name = "Forward to", description = "The id of the PACS adapter every received instance is "
            + "forwarded to, durably; empty: kept in the hub only", required = false)
    String forwardTo() default "";

    @AttributeDefinition(name = "Storage classes", description = "What the system sends: VL_ENDOSCOPIC, "
            + "VIDEO_ENDOSCOPIC, SECONDARY_CAPTURE, VL_PHOTOGRAPHIC, separated by commas; other classes are refused in "
            + "negotiation")
    String storageClasses() default "VL_ENDOSCOPIC,VIDEO_ENDOSCOPIC";

    @AttributeDefinition(name = "Maximum PDU", description = "Largest PDU the storage SCP receives (bytes)",
            min = "4096")
    int maxPdu() default 65536;

    @AttributeDefinition(name = "Analysis results as", description = "What an analysis result sent back becomes in the "
            + "procedure's study (in the archive named by Forward to): SR, a TID 1500 structured report; SC, a "
            + "Secondary Capture image with the finding burned in, for systems and viewers that cannot show SR; or "
            + "both, SR,SC", options = {@Option(label = "Structured report (SR)", value = "SR"),
                @Option(label = "Secondary Capture image (SC)", value = "SC"),
                @Option(label = "Both (SR,SC)", value = "SR,SC")})
    String analysisObjects() default "SR,SC";
}
