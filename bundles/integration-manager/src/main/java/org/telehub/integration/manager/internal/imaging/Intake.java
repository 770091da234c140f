package org.telehub.integration.manager.internal.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.files.FileStore;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DicomStore;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.manager.internal.IntegrationSchema;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.integration.manager.internal.SystemCalls;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The hub's {@link InstanceIntake}: what a system sends unasked is encrypted into the file store and indexed in
 * {@code integration_imaging_instance} ({@link ImagingInstances}, with the accession number), and its forward to an
 * archive (or to each of several systems) is a work item on {@value #TOPIC} written in the same transaction as the row.
 * The forward ({@link #handle}) reads the instance back from the store and sends it with the adapter's
 * {@link DicomStore#store} (a PACS, or an endoscopy system's own store for the results the hub made for it) through
 * {@link SystemCalls} (bulkhead, timeout); an archive that is not installed, unreachable or failing is retried with
 * backoff. Sending an instance twice is harmless (a PACS keeps one copy per SOP Instance UID).
 */
@Component(service = InstanceIntake.class, immediate = true) // the forwards run even with no adapter using it
public class Intake implements InstanceIntake, WorkHandler {
    static final String TOPIC = "integration.forward";
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int FORWARD_TIMEOUT_MILLIS = 10 * 60_000;

    private final ImagingInstances instances;
    private final WorkService work;
    private final IntegrationService integration;
    private final SystemCalls calls;
    private final Path transit;
    private final ServiceRegistration<WorkHandler> handler;

    @Activate
    public Intake(BundleContext context, @Reference IntegrationSchema schema, @Reference FileStore files,
            @Reference WorkService work, @Reference IntegrationService integration, @Reference SystemCalls calls)
            throws IOException {
        this.instances = new ImagingInstances(schema.jdbi(), files);
        this.work = work;
        this.integration = integration;
        this.calls = calls;
        this.transit = Files.createDirectories(Paths.get(System.getProperty("karaf.data", "data"), "telehub",
                "forward-transit"));
        // an archive away for a while (being updated, down overnight) is tried again for about 12 hours
        this.handler = context.registerService(WorkHandler.class, this, new Hashtable<>(Map.of(WorkHandler.TOPIC,
                TOPIC, WorkHandler.CONSUMERS, 2, WorkHandler.MAX_ATTEMPTS, 60, WorkHandler.BACKOFF_INITIAL_MILLIS,
                5_000L, WorkHandler.BACKOFF_MAX_MILLIS, 900_000L)));
    }

    @Deactivate
    void close() {
        try {
            handler.unregister();
        } catch (IllegalStateException stopping) {
            // the bundle is stopping
        }
    }

    @Override
    public void keep(String adapterId, ReceivedInstance instance, String accessionNumber, Path part10File,
            List<String> forwardTo) throws AdapterException {
        refuse(adapterId == null || !ID.matcher(adapterId).matches(), "adapterId is not an adapter id");
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        for (String to : forwardTo == null ? List.<String>of() : forwardTo) {
            refuse(to == null || !ID.matcher(to).matches(), "forwardTo is not an adapter id");
            distinct.add(to);
        }
        List<String> targets = List.copyOf(distinct);
        refuse(instance.patientId() == null || instance.patientId().isBlank() || instance.patientId().length() > 64,
                "the instance has no Patient ID (or one over 64 characters): it cannot be filed for a patient");
        refuse(accessionNumber != null && accessionNumber.length() > 16, "Accession Number over 16 characters");
        for (String[] uid : new String[][] {{"Study Instance UID", instance.studyInstanceUid()},
            {"Series Instance UID", instance.seriesInstanceUid()}, {"SOP Instance UID", instance.sopInstanceUid()},
            {"SOP Class UID", instance.sopClassUid()}}) {
            refuse(!DicomUids.isUid(uid[1]), "its " + uid[0] + " is not a DICOM UID");
        }
        try {
            instances.keep(adapterId, instance, accessionNumber, part10File, "system:" + adapterId, (h, row) -> {
                for (String to : targets) {
                    work.submit(h, WorkRequest.of(TOPIC, JSON.createObjectNode().put("instance", row.id())
                            .put("to", to).toString()).withIdempotencyKey(row.id() + ">" + to));
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("Instance {} from {} not kept: {}", instance.sopInstanceUid(), adapterId, e.toString());
            throw new AdapterException("the hub could not keep the instance now: " + e.getMessage(), true, e);
        }
    }

    private static void refuse(boolean refused, String why) throws AdapterException {
        if (refused) {
            throw new AdapterException("instance refused: " + why, false);
        }
    }

    /** One forward: the instance from the store to the archive. */
    @Override
    public Verdict handle(WorkItem item) throws Exception {
        JsonNode p = JSON.readTree(item.payload());
        String id = p.path("instance").asText();
        String to = p.path("to").asText();
        var content = instances.get(id);
        if (content.isEmpty()) {
            return Verdict.done(); // replaced by a newer copy (which has its own forward) or erased with the patient
        }
        Adapter adapter = integration.adapter(to).orElse(null);
        if (adapter == null) {
            return Verdict.retry("waiting: no adapter '" + to + "' is installed");
        }
        if (!(adapter instanceof DicomStore archive)) {
            return Verdict.giveUp("'" + to + "' takes no DICOM instances (neither a PACS nor a system with a store)");
        }
        Path file = Files.createTempFile(transit, "fwd-", ".dcm");
        try {
            try (InputStream in = instances.open(content.get().fileId())) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            SystemCalls.Outcome<List<StoreOutcome>> o = calls.call(adapter, () -> archive.store(List.of(file)),
                    FORWARD_TIMEOUT_MILLIS);
            if (!o.ok()) {
                return o.retryable() ? Verdict.retry(to + ": " + o.error()) : Verdict.giveUp(to + ": " + o.error());
            }
            StoreOutcome stored = o.value().get(0);
            // a failure status may be the archive's passing state (out of resources): tried again, bounded
            return stored.stored() ? Verdict.done() : Verdict.retry(to + " did not store "
                    + content.get().sopInstanceUid() + ": " + stored.detail());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
