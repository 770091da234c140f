package org.telehub.adapter.hl7v2.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub HL7 v2 interface", description = "One HL7 v2 connection over MLLP: a listener "
        + "that stores every message before it acknowledges it.")
@interface Hl7Config {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id of this interface in the hub, e.g. "
            + "his-adt (letters, digits, . _ -); identifiers it sends are kept under this id")
    String id();

    @AttributeDefinition(name = "Vendor", description = "The sending system, shown in status, e.g. Meditech",
            required = false)
    String vendor() default "HL7 v2";

    @AttributeDefinition(name = "Listen port", description = "MLLP port on which this interface receives", min = "1",
            max = "65535")
    int port();

    @AttributeDefinition(name = "Bind address", description = "Interface the listener binds: 127.0.0.1 (this "
            + "machine only) unless the sender is elsewhere; then the hub's address towards it", required = false)
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(name = "Receiving application", description = "MSH-3 of Telehub's acknowledgements")
    String application() default "TELEHUB";

    @AttributeDefinition(name = "Receiving facility", description = "MSH-4 of Telehub's acknowledgements")
    String facility() default "TELEHUB";

    @AttributeDefinition(name = "Character set", description = "How to read a message whose MSH-18 is empty "
            + "(Java name: UTF-8, ISO-8859-1, ...)")
    String charset() default "UTF-8";

    @AttributeDefinition(name = "Identifier type", description = "The PID-3 identifier type code (HL7 table 0203) "
            + "that is this system's patient id; the first PID-3 repetition if none has it")
    String identifierType() default "MR";

    @AttributeDefinition(name = "Largest message (bytes)", description = "A longer message is refused (AR) and only "
            + "its first 64 KiB are kept", min = "1024")
    int maxMessageBytes() default 10 * 1024 * 1024;

    @AttributeDefinition(name = "Connections", description = "Senders' connections served at once; one more is "
            + "closed at once", min = "1", max = "256")
    int maxConnections() default 16;

    @AttributeDefinition(name = "Stall timeout (seconds)", description = "A connection that sends part of a message "
            + "and then nothing for this long is closed (an idle connection between messages is kept)", min = "1")
    int stallSeconds() default 30;

    @AttributeDefinition(name = "Silence alert (minutes)", description = "Health is DEGRADED when no message came "
            + "for this long; 0: never", min = "0")
    int silentMinutes() default 0;

    @AttributeDefinition(name = "Receiver host", description = "Where results are sent as ORU^R01 (MLLP); empty: "
            + "this interface only receives", required = false)
    String remoteHost() default "";

    @AttributeDefinition(name = "Receiver port", description = "0: this interface only receives", min = "0",
            max = "65535")
    int remotePort() default 0;

    @AttributeDefinition(name = "Receiving application", description = "MSH-5 of the messages Telehub sends",
            required = false)
    String remoteApplication() default "";

    @AttributeDefinition(name = "Receiving facility", description = "MSH-6 of the messages Telehub sends",
            required = false)
    String remoteFacility() default "";

    @AttributeDefinition(name = "Reports as", description = "A signed report (its text and PDF) as ORU^R01 (an OBR "
            + "with TX and ED observations; an addendum a correction, OBR-25 C) or as a document, MDM^T02 (TXA and "
            + "the PDF as ED; an addendum MDM^T06 naming its parent document, TXA-13)", options = {
        @org.osgi.service.metatype.annotations.Option(label = "ORU^R01", value = "ORU"),
        @org.osgi.service.metatype.annotations.Option(label = "MDM^T02 / T06", value = "MDM")})
    String reportMessage() default "ORU";

    @AttributeDefinition(name = "Answer timeout (seconds)", description = "A message sent without an ACK within this "
            + "long is sent again later", min = "1")
    int ackTimeoutSeconds() default 30;
}
