-- Documents received over HL7 v2: MDM messages with content (T02 original, T04 status change, T06 addendum, T08
-- edit, T10 replacement; T11 cancels) and the embedded documents (OBX of type ED) of ORU^R01s. One row per document
-- the sender numbers (TXA-12; an ORU's: its control id and the OBX's position), written with its message's
-- processed mark (a replay writes it again). The content is not copied: it stays in the stored message (raw), from
-- which it is decoded when read, so a document's bytes are in one place; retention keeps the messages that hold a
-- shown document.
CREATE TABLE hl7_document (
    adapter_id          VARCHAR(100) NOT NULL,
    document_number     VARCHAR(200) NOT NULL,
    message_id          VARCHAR(36)  NOT NULL REFERENCES hl7_message (id) ON DELETE CASCADE,
    patient_identifier  VARCHAR(200) NOT NULL,
    document_type       VARCHAR(250),
    title               VARCHAR(500),
    order_number        VARCHAR(200),
    parent_number       VARCHAR(200),
    status              VARCHAR(10),
    authored            TIMESTAMP WITH TIME ZONE,
    author              VARCHAR(300),
    text                TEXT,
    content_type        VARCHAR(100),
    content_obx         INTEGER,
    content_bytes       BIGINT       NOT NULL DEFAULT 0,
    replaced_by         VARCHAR(200),
    cancelled           BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (adapter_id, document_number)
);
CREATE INDEX hl7_document_patient ON hl7_document (adapter_id, patient_identifier, authored DESC);
CREATE INDEX hl7_document_message ON hl7_document (message_id);
