-- Clinical reports (issue 20): one per visit, written by the visit's doctor, signed, shared with the patient.
-- The report's content (S/O/A/P texts, coded diagnoses, the prescription, orders, follow-up) is one JSON document:
-- it is always read, changed, approved and signed as a whole, and each saved revision is kept as it was
-- (report_revision), so an edit history needs no diff of child rows. The signed PDF is a file of the encrypted file
-- store (pdf_file_id); its SHA-256 is kept so a copy can be told from the original.
CREATE TABLE report (
    id            VARCHAR(36)  PRIMARY KEY,
    encounter_id  VARCHAR(36)  NOT NULL UNIQUE,
    doctor_id     VARCHAR(36)  NOT NULL,
    patient_id    VARCHAR(36)  NOT NULL,
    status        VARCHAR(16)  NOT NULL CHECK (status IN ('draft', 'approved', 'signed')),
    content       JSONB        NOT NULL,
    revision      INTEGER      NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_at   TIMESTAMP WITH TIME ZONE,
    signed_at     TIMESTAMP WITH TIME ZONE,
    signed_by     VARCHAR(64),
    signer_id     VARCHAR(36)  REFERENCES report_signer (id),
    pdf_file_id   VARCHAR(36),
    pdf_sha256    VARCHAR(64),
    shared_at     TIMESTAMP WITH TIME ZONE,
    CHECK ((status = 'signed') = (pdf_file_id IS NOT NULL AND signed_at IS NOT NULL))
);
CREATE INDEX report_patient ON report (patient_id, signed_at);
CREATE INDEX report_doctor ON report (doctor_id, status, updated_at);

-- Every saved revision as it was saved (autosave included), who saved it and when.
CREATE TABLE report_revision (
    report_id  VARCHAR(36)  NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    revision   INTEGER      NOT NULL,
    content    JSONB        NOT NULL,
    saved_by   VARCHAR(64)  NOT NULL,
    saved_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (report_id, revision)
);

-- A signed report is never changed: what comes later is an addendum, signed on its own.
CREATE TABLE report_addendum (
    id           VARCHAR(36)  PRIMARY KEY,
    report_id    VARCHAR(36)  NOT NULL REFERENCES report (id),
    text         TEXT         NOT NULL,
    signed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    signed_by    VARCHAR(64)  NOT NULL,
    signer_id    VARCHAR(36)  NOT NULL REFERENCES report_signer (id),
    pdf_file_id  VARCHAR(36)  NOT NULL,
    pdf_sha256   VARCHAR(64)  NOT NULL
);
CREATE INDEX report_addendum_report ON report_addendum (report_id, signed_at);

-- Which channel told the patient of a shared report (a retry after one channel failed does not repeat the other).
CREATE TABLE report_notice_sent (
    item_id  VARCHAR(64)  NOT NULL,
    channel  VARCHAR(32)  NOT NULL,
    sent_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (item_id, channel)
);
