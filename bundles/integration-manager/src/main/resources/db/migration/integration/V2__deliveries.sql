-- One row per (result, target system): the truth about a delivery. A JMS message on the durable queue
-- telehub.integration.delivery only says "look at this row now"; a lost message is found again by the sweeper.
-- The row id is the idempotency key the adapter passes to the target (FHIR identifier, DICOM SOP Instance UID).
CREATE TABLE integration_delivery (
    id                 VARCHAR(36)  PRIMARY KEY,
    result_id          VARCHAR(36)  NOT NULL,
    request_key        VARCHAR(200),
    local_patient_id   VARCHAR(100) NOT NULL,
    adapter_id         VARCHAR(100) NOT NULL,
    system_patient_id  VARCHAR(200) NOT NULL,
    payload            TEXT         NOT NULL,
    state              VARCHAR(20)  NOT NULL,
    attempts           INTEGER      NOT NULL,
    max_attempts       INTEGER      NOT NULL,
    next_attempt_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error         VARCHAR(1000),
    remote_id          VARCHAR(200),
    created_by         VARCHAR(64)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT integration_delivery_request UNIQUE (request_key, adapter_id)
);
CREATE INDEX integration_delivery_due ON integration_delivery (state, next_attempt_at);
CREATE INDEX integration_delivery_adapter ON integration_delivery (adapter_id, state);
CREATE INDEX integration_delivery_result ON integration_delivery (result_id);
