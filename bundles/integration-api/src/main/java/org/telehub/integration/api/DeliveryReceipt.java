package org.telehub.integration.api;

/**
 * The remote system's acknowledgement of a write.
 *
 * @param remoteId the id the target gave the record (FHIR resource id, SOP Instance UID, ...)
 * @param duplicate true when the target already had a record for this idempotency key and returned it
 */
public record DeliveryReceipt(String remoteId, boolean duplicate) {
}
