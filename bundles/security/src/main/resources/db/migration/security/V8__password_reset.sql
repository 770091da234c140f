-- Password reset by an e-mailed single-use link (issue 15). Accounts get an e-mail address (optional; set by an
-- administrator or by the user with their password).
ALTER TABLE telehub_user ADD COLUMN email VARCHAR(254);

-- One requested reset: the link's 256-bit secret is checked against its SHA-256 only (token_hash). Until the e-mail
-- is out, the secret also waits here sealed with the hub's master key (SecretBox, files bundle: a copy of the
-- database alone opens nothing), for the durable work item that sends it; it is cleared when sent, spent or voided.
-- used_at: spent by a confirmation (a conditional UPDATE, so two racing confirmations spend it once); voided_at:
-- replaced by a newer request or by the confirmation of another one; sent_at: the e-mail went out.
CREATE TABLE auth_password_reset (
    id          VARCHAR(36)  PRIMARY KEY,
    user_id     BIGINT       NOT NULL REFERENCES telehub_user (id) ON DELETE CASCADE,
    token_hash  CHAR(64)     NOT NULL,
    language    VARCHAR(8)   NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE,
    voided_at   TIMESTAMP WITH TIME ZONE,
    secret_sealed TEXT,
    sent_at     TIMESTAMP WITH TIME ZONE,
    work_id     VARCHAR(64),
    CONSTRAINT auth_password_reset_token UNIQUE (token_hash)
);
CREATE INDEX auth_password_reset_user ON auth_password_reset (user_id);
