package org.telehub.adapter.pacs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One PACS: {@code etc/org.telehub.adapter.pacs-<name>.cfg} with the instance id inside. */
@ObjectClassDefinition(name = "Telehub PACS adapter", description = "One DICOM PACS (DIMSE or DICOMweb).")
@interface PacsConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id of this PACS in the hub, e.g. "
            + "orthanc-main (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "Vendor", description = "Shown in status, e.g. Orthanc, Sectra", required = false)
    String vendor() default "DICOM";

    @AttributeDefinition(name = "Transport", description = "DIMSE (classic DICOM network) or DICOMweb (HTTP)",
            options = {@Option(label = "DIMSE", value = "DIMSE"), @Option(label = "DICOMweb", value = "DICOMWEB")})
    String transport() default "DIMSE";

    @AttributeDefinition(name = "PACS host", required = false)
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "PACS port", min = "1", max = "65535")
    int port() default 104;

    @AttributeDefinition(name = "Called AE title", description = "The PACS's application entity title")
    String calledAe() default "ANY-SCP";

    @AttributeDefinition(name = "Calling AE title", description = "Telehub's AE title towards this PACS (it must be "
            + "registered in the PACS for queries and retrieves)")
    String callingAe() default "TELEHUB";

    @AttributeDefinition(name = "Retrieve by", description = "How a study is brought into Telehub: C-MOVE to "
            + "Telehub's own storage SCP (below), or C-GET over the query association",
            options = {@Option(label = "C-MOVE", value = "MOVE"), @Option(label = "C-GET", value = "GET")})
    String retrieveMethod() default "MOVE";

    @AttributeDefinition(name = "Storage SCP port", description = "Port on which Telehub receives C-MOVE results "
            + "for this PACS; 0 disables the receiver (then only C-GET or DICOMweb can retrieve)", min = "0",
            max = "65535")
    int scpPort() default 0;

    @AttributeDefinition(name = "Storage SCP AE title", description = "Telehub's AE title as move destination; the "
            + "PACS must know it with Telehub's host and the port above", required = false)
    String scpAe() default "TELEHUB-SCP";

    @AttributeDefinition(name = "Storage SCP bind address", description = "Interface the receiver listens on: "
            + "127.0.0.1 (this machine only) unless the PACS is elsewhere; then the hub's address towards the PACS "
            + "(0.0.0.0 for all). Whatever the interface, only the PACS host above with its called AE title may "
            + "send", required = false)
    String scpBindAddress() default "127.0.0.1";

    @AttributeDefinition(name = "Storage commitment", description = "After storing, ask the PACS to commit to "
            + "keeping what was stored (Storage Commitment Push Model, DIMSE only); an instance counts as sent only "
            + "once committed. The PACS reports to the storage SCP above (it must know the storage SCP AE title "
            + "with its address and port), so this needs the storage SCP port")
    boolean storageCommitment() default false;

    @AttributeDefinition(name = "Storage commitment wait (s)", description = "How long a store waits for the "
            + "PACS's commitment report before it fails and is sent again later", min = "1", max = "3600")
    int commitmentWaitSeconds() default 60;

    @AttributeDefinition(name = "DICOMweb base URL", description = "e.g. https://pacs.example.org/dicom-web "
            + "(required for the DICOMweb transport)", required = false)
    String dicomWebUrl() default "";

    @AttributeDefinition(name = "DICOMweb user", description = "HTTP basic authentication user; empty for none",
            required = false)
    String dicomWebUser() default "";

    @AttributeDefinition(name = "DICOMweb password", type = AttributeType.PASSWORD, required = false)
    String dicomWebPassword() default "";

    @AttributeDefinition(name = "Connect timeout (ms)", description = "DICOMweb connections; DIMSE connections "
            + "use the operating system's (a refused connection fails at once)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", description = "Longest silence of the PACS within an "
            + "operation", min = "100")
    int readTimeoutMillis() default 30000;

    @AttributeDefinition(name = "Maximum PDU length", description = "Largest PDU Telehub receives (bytes)",
            min = "4096", max = "1048576")
    int maxPdu() default 65536;
}
