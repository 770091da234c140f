package org.telehub.adapter.hl7v2.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisRecorder;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.ClinicalDocument;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.DocumentContent;
import org.telehub.integration.api.DocumentSource;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;
import org.telehub.core.encounter.PatientRegister;
import org.telehub.integration.api.SystemType;
import org.telehub.work.TelehubExecutors;
import org.telehub.work.WorkService;

/**
 * One HL7 v2 interface (a factory configuration {@code etc/org.telehub.adapter.hl7v2-NAME.cfg}): its MLLP listener
 * runs while the component is active; {@link #disconnect()} stops listening (senders queue on their side) and
 * {@link #connect()} starts again. As a {@link ClinicalRecordSystem} it shows what the feed sent about a patient (the
 * latest demographics, the results of ORU^R01s) and sends results to the configured receiver ({@link Outbound}).
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.hl7v2",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Hl7Config.class, factory = true)
public class Hl7Adapter implements Adapter, ClinicalRecordSystem, AnalysisRecorder, DocumentSource {
    private static final Logger LOG = LoggerFactory.getLogger(Hl7Adapter.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** DS's deactivation reason {@code ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED} (R6 112.5.16). */
    private static final int CONFIGURATION_DELETED = 4;

    private final AdapterInfo info;
    private final Counters counters = new Counters();
    private final Listener listener;
    private final Inbound inbound;
    private final Duration silence;
    private final Instant started = Instant.now();
    private volatile String lastError;
    private final org.jdbi.v3.core.Jdbi jdbi;
    private final Codec codec = new Codec();
    private final Interfaces interfaces;
    /** Why the configured TLS cannot be used (the interface then neither listens nor sends), or null. */
    private final String tlsError;
    private final boolean remoteTls;
    private final boolean listenerTls;
    /** Null when the configuration names no receiver. */
    private final Outbound outbound;

    @Activate
    public Hl7Adapter(Hl7Config config, @Reference Hl7Schema schema, @Reference WorkService work,
            @Reference TelehubExecutors executors, @Reference Interfaces interfaces) throws IOException {
        if (config.id() == null || !ID.matcher(config.id()).matches()) {
            throw new IllegalArgumentException("id: 1 to 64 letters, digits, . _ - (got '" + config.id() + "')");
        }
        String version = FrameworkUtil.getBundle(Hl7Adapter.class) == null ? "dev"
                : FrameworkUtil.getBundle(Hl7Adapter.class).getVersion().toString();
        info = new AdapterInfo(config.id(), SystemType.EHR, config.vendor(), "HL7 v2 over MLLP", version);
        Appointments.Scheduling scheduling = config.bookings() ? Appointments.Scheduling.of(config.visitType(),
                config.timeZone(), config.doctors()) : null;
        java.util.Set<String> processed = new java.util.HashSet<>(Header.PROCESSED);
        processed.addAll(Documents.MESSAGE_TYPES);
        if (scheduling != null) {
            processed.addAll(Appointments.MESSAGE_TYPES);
        }
        Inbound.Settings settings = new Inbound.Settings(config.application(), config.facility(),
                Charset.forName(config.charset()), config.identifierType(), config.maxMessageBytes(),
                java.util.Set.copyOf(processed));
        Appointments.Scheduling.save(schema.jdbi(), config.id(), scheduling);
        inbound = new Inbound(config.id(), codec, schema.jdbi(), work, settings, counters);
        jdbi = schema.jdbi();
        Tls tls = null;
        String tlsError = null;
        if (config.tls() || config.remoteTls()) {
            try {
                tls = Tls.of(Path.of(System.getProperty("karaf.etc", "etc")), config.keystore(),
                        config._keystorePassword().toCharArray(), config.truststore(),
                        config._truststorePassword().toCharArray(), config.clientAuth());
                if (config.tls() && config.keystore().isBlank()) {
                    throw new IllegalArgumentException("keystore: a listener with TLS needs its certificate");
                }
            } catch (IllegalArgumentException e) {
                tls = null;
                tlsError = e.getMessage(); // never falls back to plain MLLP: what needs TLS does not run
            }
        }
        this.tlsError = tlsError;
        this.remoteTls = config.remoteTls();
        this.listenerTls = config.tls();
        outbound = config.remoteHost().isBlank() || config.remotePort() == 0 ? null : new Outbound(config.id(), codec,
                jdbi, settings, new Outbound.Target(config.remoteHost(), config.remotePort(),
                        config.remoteApplication(), config.remoteFacility(), config.ackTimeoutSeconds() * 1000,
                        documents(config.reportMessage()), config.remoteTls() ? tls : null));
        listener = new Listener(config.id(), new InetSocketAddress(InetAddress.getByName(config.bindAddress()),
                config.port()), config.maxConnections(), config.stallSeconds() * 1000, config.maxMessageBytes(),
                inbound, counters, executors.pool("hl7-" + config.id() + "-" + config.maxConnections(),
                        config.maxConnections() + 2), // the connections, the acceptor, the writer
                config.tls() ? tls : null);
        silence = config.silentMinutes() > 0 ? Duration.ofMinutes(config.silentMinutes()) : null;
        boolean visitStatus = config.visitStatus() && outbound != null;
        if (config.visitStatus() && outbound == null) {
            LOG.warn("HL7 v2 {}: visitStatus is on but no receiver is configured: no visit status is sent",
                    config.id());
        }
        jdbi.useHandle(h -> {
            if (visitStatus) {
                h.createUpdate("INSERT INTO hl7_visit_status (adapter_id, updated_at) VALUES (:a, :t) ON CONFLICT"
                        + " (adapter_id) DO UPDATE SET updated_at = EXCLUDED.updated_at").bind("a", config.id())
                        .bind("t", java.sql.Timestamp.from(Instant.now())).execute();
            } else {
                h.execute("DELETE FROM hl7_visit_status WHERE adapter_id = ?", config.id());
            }
        });
        this.interfaces = interfaces;
        interfaces.started(config.id(), this, visitStatus);
        listener.execute(inbound::write);
        try {
            if (tlsError != null && config.tls()) {
                throw new IOException(tlsError);
            }
            listener.start();
        } catch (IOException e) {
            lastError = "cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage();
            LOG.error("HL7 v2 {}: {}", config.id(), lastError);
        }
    }

    @Deactivate
    void close(int reason) {
        interfaces.stopped(info.id(), this);
        if (reason == CONFIGURATION_DELETED) {
            // the interface is gone for good, not restarting: no visit status waits for it any more
            jdbi.useHandle(h -> h.execute("DELETE FROM hl7_visit_status WHERE adapter_id = ?", info.id()));
        }
        listener.close();
        inbound.close();
        LOG.info("HL7 v2 {} stopped ({})", info.id(), counters.summary());
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() throws AdapterException {
        if (tlsError != null && listenerTls) {
            lastError = "TLS not usable: " + tlsError;
            throw new AdapterException(lastError, false);
        }
        try {
            listener.start();
            lastError = null;
        } catch (IOException e) {
            lastError = "cannot listen: " + e.getMessage();
            throw new AdapterException(lastError, true);
        }
    }

    @Override
    public void disconnect() {
        listener.close();
    }

    @Override
    public AdapterHealth health() {
        Instant now = Instant.now();
        if (!listener.listening()) {
            return new AdapterHealth(AdapterHealth.State.DOWN, "not listening; " + counters.summary(), lastError,
                    null, now);
        }
        Instant last = counters.lastMessage.get();
        if (silence != null && (last == null ? started : last).plus(silence).isBefore(now)) {
            return new AdapterHealth(AdapterHealth.State.DEGRADED, "silent: no message since "
                    + (last == null ? "the start, " + started : last) + "; " + counters.summary(), lastError, null,
                    now);
        }
        return new AdapterHealth(AdapterHealth.State.UP, "listening, " + listener.openConnections()
                + " connections; " + counters.summary(), lastError, null, now);
    }

    /** The demographics the latest message about the patient carried (ADT first). */
    @Override
    public Demographics patient(String systemPatientId) throws AdapterException {
        record Stored(byte[] raw, String charset) {
        }
        Stored latest = jdbi.withHandle(h -> h.createQuery("SELECT raw, charset FROM hl7_message WHERE adapter_id = :a"
                + " AND direction = 'in' AND patient_identifier = :p AND state = 'processed' ORDER BY"
                + " (message_type LIKE 'ADT^%') DESC, received_at DESC LIMIT 1").bind("a", info.id())
                .bind("p", systemPatientId).map((rs, c) -> new Stored(rs.getBytes(1), rs.getString(2))).findOne()
                .orElse(null));
        if (latest == null) {
            throw new AdapterException("no message about patient " + systemPatientId + " came over this interface",
                    false);
        }
        try {
            ca.uhn.hl7v2.util.Terser t = new ca.uhn.hl7v2.util.Terser(Codec.inBundle(() -> codec.parser().parse(
                    new String(latest.raw(), Charset.forName(latest.charset())))));
            PatientRegister.Demographics d = InboundProcessor.demographics(t);
            return new Demographics(systemPatientId, Header.nz(t.get("/.PID-5(0)-1-1")).trim(),
                    Header.nz(t.get("/.PID-5(0)-2")).trim(), d.birthDate() == null ? null
                            : java.time.LocalDate.parse(d.birthDate()), t.get("/.PID-8"));
        } catch (ca.uhn.hl7v2.HL7Exception e) {
            throw new AdapterException("the stored message does not parse any more: " + e.getMessage(), false);
        }
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, int limit) {
        return Observations.read(jdbi, info.id(), systemPatientId, limit);
    }

    /** The documents this interface received about the patient (MDM, an ORU's embedded ones), from the store. */
    @Override
    public List<ClinicalDocument> documents(String systemPatientId, int limit) {
        return Documents.read(jdbi, info.id(), systemPatientId, limit);
    }

    @Override
    public java.util.Optional<DocumentContent> content(String systemPatientId, String documentId)
            throws AdapterException {
        try {
            return Documents.content(jdbi, codec, info.id(), systemPatientId, documentId);
        } catch (ca.uhn.hl7v2.HL7Exception | org.telehub.domain.DomainException e) {
            throw new AdapterException("the stored message of document " + documentId + " does not give its content"
                    + " any more: " + e.getMessage(), false);
        }
    }

    @Override
    public DeliveryReceipt createObservation(String systemPatientId, ObservationValue observation,
            String idempotencyKey) throws AdapterException {
        Outbound o = sender();
        return Codec.inBundle(() -> o.observation(systemPatientId, observation, idempotencyKey));
    }

    @Override
    public DeliveryReceipt createDiagnosticReport(String systemPatientId, ReportDocument report,
            String idempotencyKey) throws AdapterException {
        Outbound o = sender();
        return Codec.inBundle(() -> o.report(systemPatientId, report, idempotencyKey));
    }

    /** An analysis of a procedure as an ORU^R01 of its finding (see {@link Outbound#analysis}). */
    @Override
    public List<DeliveryReceipt> recordAnalysis(String systemPatientId, AnalysisResult analysis,
            String idempotencyKey) throws AdapterException {
        Outbound o = sender();
        return List.of(Codec.inBundle(() -> o.analysis(systemPatientId, analysis, idempotencyKey)));
    }

    /** Tells the receiver about a visit (see {@link VisitStatus}); null when it was told before. */
    DeliveryReceipt visitStatus(String systemPatientId, Outbound.Visit visit, String key) throws AdapterException {
        Outbound o = sender();
        return Codec.inBundle(() -> o.visit(systemPatientId, visit, key));
    }

    /** The scheduler's id of a doctor where this interface books for them, else their account; null for neither. */
    String doctorId(String username) {
        if (username == null) {
            return null;
        }
        return jdbi.withHandle(h -> Appointments.Scheduling.load(h, info.id())).flatMap(s -> s.doctors().entrySet()
                .stream().filter(e -> e.getValue().equals(username)).map(java.util.Map.Entry::getKey).findFirst())
                .orElse(username);
    }

    /** A correction (OBR-25 C, an MDM^T06) must not overtake what it corrects: one delivery at a time per patient. */
    @Override
    public boolean keepsOrderPerPatient() {
        return true;
    }

    /** Whether reports go out as MDM documents ({@code MDM}) or as results ({@code ORU}). */
    static boolean documents(String reportMessage) {
        return switch (reportMessage == null ? "" : reportMessage.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "ORU" -> false;
            case "MDM" -> true;
            default -> throw new IllegalArgumentException("reportMessage: ORU or MDM (got '" + reportMessage + "')");
        };
    }

    /** Only an interface with a receiver configured: a feed that only listens is never a target of results. */
    @Override
    public boolean takesResults() {
        return outbound != null;
    }

    private Outbound sender() throws AdapterException {
        if (outbound == null) {
            throw new AdapterException("HL7 v2 interface " + info.id() + " sends nothing: no receiver host and port"
                    + " are configured", false);
        }
        if (tlsError != null && remoteTls) {
            // retried: the deliveries wait until an administrator mends the certificates, never go out in plain
            throw new AdapterException("HL7 v2 interface " + info.id() + ": TLS not usable: " + tlsError, true);
        }
        return outbound;
    }

}
