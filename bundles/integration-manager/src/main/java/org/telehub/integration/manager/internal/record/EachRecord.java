package org.telehub.integration.manager.internal.record;

import java.util.ArrayList;
import java.util.List;

import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.spi.CapabilityHandler;

/** A result's list part filed one record at a time, each under its own key ({@code <delivery>/<kind>/<i>}). */
final class EachRecord {

    /** One write of the system's. */
    interface Write<T> {
        DeliveryReceipt write(T item, String key) throws AdapterException;
    }

    private EachRecord() {
    }

    /** The ids the system gave the records, in order. */
    static <T> List<String> file(List<T> items, String key, String kind, String operation, Write<T> write)
            throws AdapterException {
        List<String> remote = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            remote.add(CapabilityHandler.required(write.write(items.get(i), key + "/" + kind + "/" + i), operation)
                    .remoteId());
        }
        return remote;
    }
}
