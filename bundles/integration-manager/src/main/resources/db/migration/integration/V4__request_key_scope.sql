-- A request key is the client's retry token, not a global name: the same key from another clinician, or for
-- another patient, is another request and must never return someone else's deliveries.
ALTER TABLE integration_delivery DROP CONSTRAINT integration_delivery_request;
ALTER TABLE integration_delivery ADD CONSTRAINT integration_delivery_request
    UNIQUE (request_key, created_by, local_patient_id, adapter_id);
