package org.telehub.integration.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;
import org.telehub.integration.api.AdapterException;

/**
 * What the Integration Manager does with one capability of an adapter. Registered as an OSGi service (any number;
 * the manager tracks them dynamically). An adapter object that implements {@link #capability()} is served by this
 * handler: the capability's name appears in the system's status, {@link #read} contributes to the all-systems
 * read of a patient, {@link #deliver} files the parts of a result in {@link #takes()}.
 *
 * <p>Where two handlers of one adapter take the same part (an EHR and a PACS both take a report), the one with
 * the higher {@code service.ranking} files it and the other does not see it, so a part reaches a system once.
 *
 * <p>Calls come from the manager's worker pool inside the adapter's bulkhead and timeout; a handler makes its
 * adapter calls directly and lets {@link AdapterException} (and the adapter's contract violations) propagate.
 *
 * @param <T> the adapter SPI interface this handler serves
 */
@ConsumerType
public interface CapabilityHandler<T> {

    /** The adapter SPI interface this handler serves, e.g. {@code ProcedureSystem.class}. */
    Class<T> capability();

    /** The capability's name in a system's status; by default the interface's simple name. */
    default String name() {
        return capability().getSimpleName();
    }

    /** The result parts this handler files; none by default (a capability that is read or queried only). */
    default Set<ResultPart> takes() {
        return Set.of();
    }

    /**
     * The result parts this handler files with this one system: {@link #takes()} by default; fewer where the
     * system says it files none (a read-only EHR, an interface with nowhere to send). The manager plans deliveries
     * with this, so nothing is queued for a system that would only refuse it.
     *
     * @since 1.2
     */
    default Set<ResultPart> takes(T system) {
        return takes();
    }

    /**
     * This capability's part of the all-systems read of one patient, as members of that system's answer (e.g.
     * {@code studies → [...]}); the names must not collide with another capability's. Empty by default.
     */
    default Map<String, Object> read(T system, String systemPatientId) throws AdapterException {
        return Map.of();
    }

    /**
     * Files {@code parts} (a non-empty subset of {@link #takes()} present in {@code result}) with the system and
     * returns the ids the system gave the records, in order. {@code idempotencyKey} is unique per delivery and
     * stable across its retries; a handler writing several records derives one key per record from it (e.g.
     * {@code key + "/" + i}) so that a retry never creates a second record.
     */
    default List<String> deliver(T system, String systemPatientId, Result result, Set<ResultPart> parts,
            String idempotencyKey) throws AdapterException {
        throw new AdapterException(name() + " files no results", false);
    }

    /** The SPI forbids null answers: an adapter that returns one is broken, and the caller is told which call. */
    static <V> V required(V value, String operation) {
        if (value == null) {
            throw new IllegalStateException(operation + " returned null, which the SPI does not allow");
        }
        return value;
    }
}
