-- Every HL7 v2 message the hub received (direction 'in') or sent ('out'), as it was on the wire, with its ACK.
-- state of a received message: queued (stored and acknowledged, processing waits on the work service), processed,
-- failed (processing gave up; error says why), rejected (answered AR: unreadable, unsupported type or version);
-- of a sent one: sending, accepted (AA), error (AE, no answer: retried), refused (AR: given up).
CREATE TABLE hl7_message (
    id                   VARCHAR(36)  PRIMARY KEY,
    adapter_id           VARCHAR(100) NOT NULL,
    direction            VARCHAR(3)   NOT NULL,
    received_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    sending_application  VARCHAR(227),
    sending_facility     VARCHAR(227),
    control_id           VARCHAR(199),
    message_type         VARCHAR(30),
    version              VARCHAR(10),
    patient_identifier   VARCHAR(200),
    local_patient_id     VARCHAR(100),
    state                VARCHAR(16)  NOT NULL,
    ack_code             VARCHAR(2),
    error                TEXT,
    charset              VARCHAR(40),
    raw                  BYTEA        NOT NULL,
    ack                  BYTEA,
    processed_at         TIMESTAMP WITH TIME ZONE,
    duplicates           INTEGER      NOT NULL DEFAULT 0
);
-- a sender's message is taken once: its repeats (same application, facility and control id) are acknowledged and
-- counted, never processed again. Refused messages do not count: the sender may correct one and send it again.
CREATE UNIQUE INDEX hl7_message_control ON hl7_message (adapter_id, sending_application, sending_facility,
    control_id) WHERE direction = 'in' AND state <> 'rejected';
CREATE INDEX hl7_message_received ON hl7_message (received_at DESC);
CREATE INDEX hl7_message_patient ON hl7_message (patient_identifier);
CREATE INDEX hl7_message_local ON hl7_message (local_patient_id);
-- a message the hub sends has one row, whatever the attempts (its control id comes from the delivery's key)
CREATE UNIQUE INDEX hl7_message_sent ON hl7_message (adapter_id, control_id) WHERE direction = 'out';

-- Observations received in ORU^R01 messages: the interface's record of the patient as the patient panel reads it.
-- A message's rows are written with its processed mark (a replay writes them again).
CREATE TABLE hl7_observation (
    message_id          VARCHAR(36)  NOT NULL REFERENCES hl7_message (id) ON DELETE CASCADE,
    seq                 INTEGER      NOT NULL,
    adapter_id          VARCHAR(100) NOT NULL,
    patient_identifier  VARCHAR(200) NOT NULL,
    code                VARCHAR(100),
    code_system         VARCHAR(200),
    display             VARCHAR(500),
    value_num           DOUBLE PRECISION,
    unit                VARCHAR(100),
    value_text          TEXT,
    effective           TIMESTAMP WITH TIME ZONE,
    performer           VARCHAR(200),
    category            VARCHAR(64),
    PRIMARY KEY (message_id, seq)
);
CREATE INDEX hl7_observation_patient ON hl7_observation (adapter_id, patient_identifier, effective DESC);
