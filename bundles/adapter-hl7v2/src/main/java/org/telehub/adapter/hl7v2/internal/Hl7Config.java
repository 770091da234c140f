package org.telehub.adapter.hl7v2.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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

    @AttributeDefinition(name = "TLS on the listener", description = "Senders connect with TLS (1.3 or 1.2) and "
            + "the certificate of the keystore below; off: plain MLLP (only on a trusted network)")
    boolean tls() default false;

    @AttributeDefinition(name = "Keystore (PKCS12)", description = "The listener's certificate and key, and the one "
            + "shown to a receiver that asks for it: a .p12/.pfx file, absolute or relative to etc/", required = false)
    String keystore() default "";

    /** Private (leading dot): never in service properties. */
    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD, required = false,
            description = "Use $[secret:NAME] (a file in etc/secrets); never logged")
    String _keystorePassword() default "";

    @AttributeDefinition(name = "Sender certificates", description = "Whether a sender must show a certificate the "
            + "trusted certificates below vouch for (mutual TLS)", options = {
        @Option(label = "Not asked", value = "none"), @Option(label = "Asked, optional", value = "want"),
        @Option(label = "Required", value = "need")})
    String clientAuth() default "none";

    @AttributeDefinition(name = "Trusted certificates", description = "Who vouches for senders' and the receiver's "
            + "certificates: a PEM file (.pem/.crt, one or more certificates) or a PKCS12 truststore, absolute or "
            + "relative to etc/; empty: the JDK's authorities", required = false)
    String truststore() default "";

    /** Private (leading dot). */
    @AttributeDefinition(name = "Truststore password", type = AttributeType.PASSWORD, required = false,
            description = "Only for a PKCS12 truststore")
    String _truststorePassword() default "";

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

    @AttributeDefinition(name = "Book visits", description = "Scheduling messages (SIU S12 book, S13 reschedule, "
            + "S14 modify, S15 cancel) book, move and cancel visits: only when the clinic lets this system's "
            + "scheduler book; off: they are refused (AR)")
    boolean bookings() default false;

    @AttributeDefinition(name = "Doctors", description = "Which scheduler resource is which doctor: one 'id=account' "
            + "each, the AIP-3 personnel id and the doctor's Telehub account (e.g. 4711=dr.rahimi); an appointment "
            + "with none of them is not booked (in a .cfg file: several separated by commas)", required = false)
    String[] doctors() default {};

    @AttributeDefinition(name = "Visit type", description = "What a booked appointment becomes", options = {
        @org.osgi.service.metatype.annotations.Option(label = "Video", value = "video"),
        @org.osgi.service.metatype.annotations.Option(label = "Audio", value = "audio"),
        @org.osgi.service.metatype.annotations.Option(label = "In person", value = "in_person"),
        @org.osgi.service.metatype.annotations.Option(label = "Chat", value = "chat")})
    String visitType() default "video";

    @AttributeDefinition(name = "Time zone", description = "The zone of scheduled times sent without an offset "
            + "(e.g. Asia/Tehran); empty: this machine's", required = false)
    String timeZone() default "";

    @AttributeDefinition(name = "Receiver host", description = "Where results are sent as ORU^R01 (MLLP); empty: "
            + "this interface only receives", required = false)
    String remoteHost() default "";

    @AttributeDefinition(name = "Receiver port", description = "0: this interface only receives", min = "0",
            max = "65535")
    int remotePort() default 0;

    @AttributeDefinition(name = "TLS to the receiver", description = "Connect to the receiver with TLS; its "
            + "certificate must name the receiver host and be vouched for by the trusted certificates")
    boolean remoteTls() default false;

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

    @AttributeDefinition(name = "Send visit status", description = "Tell the receiver about the visits of patients "
            + "this system knows: SIU S12 booked, S13 rescheduled, S14 started or completed, S15 cancelled, S26 "
            + "no-show (not the changes this interface's own scheduler made)")
    boolean visitStatus() default false;

    @AttributeDefinition(name = "Answer timeout (seconds)", description = "A message sent without an ACK within this "
            + "long is sent again later", min = "1")
    int ackTimeoutSeconds() default 30;
}
