package org.telehub.integration.api;

import java.util.Objects;

/**
 * Identity of one adapter instance.
 *
 * @param id the instance id, unique in the hub and stable across restarts and updates (the {@code id} property of
 *            the factory configuration, e.g. {@code orthanc-main}); deliveries and patient identifiers refer to it
 * @param systemType what kind of system it connects
 * @param vendor e.g. {@code Epic}
 * @param product e.g. {@code Epic FHIR R4}
 * @param adapterVersion the adapter bundle's version
 */
public record AdapterInfo(String id, SystemType systemType, String vendor, String product, String adapterVersion) {
    public AdapterInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(systemType, "systemType");
    }
}
