-- How an interface that may book visits (SIU S12–S15) books them, as its configuration says: written when the
-- interface starts, read by whichever node processes its messages; no row: the interface does not book.
-- doctors: one "resource id=doctor account" per line (AIP-3 to a Telehub doctor).
CREATE TABLE hl7_scheduling (
    adapter_id  VARCHAR(100) PRIMARY KEY,
    visit_type  VARCHAR(16)  NOT NULL,
    time_zone   VARCHAR(64)  NOT NULL,
    doctors     TEXT         NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
