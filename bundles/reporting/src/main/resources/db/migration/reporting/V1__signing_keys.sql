-- Reports' signing keys (issue 20): the clinic's own signing CA and each doctor's signing certificate. Private keys
-- are sealed with the hub's master key (the files bundle's SecretBox, a key file outside the database): a copy of
-- the database alone yields no key. Certificates are PEM.

-- The CA over time: the one that issues has slot 'active' (unique); one nearing its end is retired (slot NULL) and
-- kept, its certificate still in the chains of the signatures it certified.
CREATE TABLE report_signing_ca (
    id          VARCHAR(36)  PRIMARY KEY,
    slot        VARCHAR(16)  UNIQUE CHECK (slot = 'active'),
    certificate TEXT         NOT NULL,
    key_sealed  TEXT         NOT NULL,
    not_after   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at  TIMESTAMP WITH TIME ZONE
);

-- A doctor's signers over time: one active; a replaced one is kept (retired) for the signatures it made.
CREATE TABLE report_signer (
    id          VARCHAR(36)  PRIMARY KEY,
    doctor_id   VARCHAR(36)  NOT NULL,
    -- clinic-ca: issued by report_signing_ca; imported: the doctor's own PKCS#12 from a CA of their choosing
    source      VARCHAR(16)  NOT NULL CHECK (source IN ('clinic-ca', 'imported')),
    chain       TEXT         NOT NULL,
    key_sealed  TEXT         NOT NULL,
    subject     TEXT         NOT NULL,
    not_after   TIMESTAMP WITH TIME ZONE NOT NULL,
    active      BOOLEAN      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at  TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX report_signer_active ON report_signer (doctor_id) WHERE active;
