package org.telehub.endoscopy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.telehub.adapter.endoscopy.internal.EndoscopyAdapter;
import org.telehub.adapter.endoscopy.internal.Settings;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.DicomStore;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.PerformedSteps;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.api.StoreOutcome;

/**
 * One endoscopy system, configured over a profile's defaults: its procedures from a DICOM Modality Worklist, its
 * performed steps at an MPPS SCP, its images and videos at a storage SCP, analysis results back into the
 * procedure's study (see the base bundle's README). A profile bundle's Declarative Services component extends it,
 * with its own factory configuration and metatype, and closes it on deactivation:
 *
 * <pre>
 * &#64;Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy.acme",
 *         configurationPolicy = ConfigurationPolicy.REQUIRE)
 * &#64;Designate(ocd = AcmeConfig.class, factory = true)
 * public class AcmeEndoscopy extends EndoscopySystem {
 *     &#64;Activate
 *     public AcmeEndoscopy(Map&lt;String, Object&gt; properties, &#64;Reference InstanceIntake intake,
 *             &#64;Reference PerformedSteps steps) throws IOException {
 *         super(PROFILE, properties, intake, steps);
 *     }
 *
 *     &#64;Deactivate
 *     void deactivate() {
 *         close();
 *     }
 * }
 * </pre>
 */
public class EndoscopySystem implements Adapter, ProcedureSystem, DicomStore {
    private final EndoscopyProfile profile;
    private final EndoscopyAdapter system;

    /**
     * In the running hub: files under {@code karaf.data}, the version the extending bundle's.
     *
     * @throws IllegalArgumentException naming a setting that is missing or wrong
     * @throws IOException when its folders cannot be made
     */
    protected EndoscopySystem(EndoscopyProfile profile, Map<String, ?> properties, InstanceIntake intake,
            PerformedSteps steps) throws IOException {
        this(profile, properties, intake, steps, Path.of(System.getProperty("karaf.data", "data"), "telehub",
                "endoscopy"));
    }

    /**
     * Anywhere (tests): received and outgoing files wait under {@code data}, a folder per system.
     *
     * @param properties the configuration: each setting by name, over the profile's defaults
     * @param intake where received instances and analysis results are kept; null: none kept
     * @param steps where performed steps are kept; null: none
     */
    public EndoscopySystem(EndoscopyProfile profile, Map<String, ?> properties, InstanceIntake intake,
            PerformedSteps steps, Path data) throws IOException {
        this.profile = profile;
        this.system = new EndoscopyAdapter(Settings.of(profile.defaults(), properties), version(getClass()),
                intake, steps, data);
    }

    private static String version(Class<?> c) {
        Bundle b = FrameworkUtil.getBundle(c);
        return b == null ? "dev" : b.getVersion().toString();
    }

    /** The profile this system's defaults come from. */
    public EndoscopyProfile profile() {
        return profile;
    }

    /** Stops its SCPs; the component's deactivation calls it. */
    public void close() {
        system.close();
    }

    /** Whether analysis results can be filed: into an archive ({@code forwardTo}), the system's store, or both. */
    public boolean filesAnalyses() {
        return system.filesAnalyses();
    }

    /** The storage SCP's port, or 0 without one. */
    public int storagePort() {
        return system.storagePort();
    }

    /** The MPPS SCP's port, or 0 without one. */
    public int mppsPort() {
        return system.mppsPort();
    }

    @Override
    public AdapterInfo info() {
        return system.info();
    }

    @Override
    public void connect() throws AdapterException {
        system.connect();
    }

    @Override
    public void disconnect() {
        system.disconnect();
    }

    @Override
    public AdapterHealth health() {
        return system.health();
    }

    @Override
    public List<ProcedureSummary> procedures(String systemPatientId) throws AdapterException {
        return system.procedures(systemPatientId);
    }

    @Override
    public DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException {
        return system.sendAnalysisResult(systemPatientId, result, idempotencyKey);
    }

    @Override
    public java.util.Optional<org.telehub.integration.api.LiveVideo> liveVideo() {
        return system.liveVideo();
    }

    /**
     * The analysis results the hub made, to the system's own storage SCP ({@code resultsStore}); refused (not
     * retryable) without one.
     */
    @Override
    public List<StoreOutcome> store(List<Path> part10Files)
            throws AdapterException {
        return system.store(part10Files);
    }
}
