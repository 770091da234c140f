-- TOTP second factor (issue 15). The secret is sealed with the hub's master key (SecretBox, files bundle): a copy of
-- the database alone cannot mint codes. last_step: the newest time step used, so no code is accepted twice.
CREATE TABLE auth_totp (
    user_id       BIGINT       PRIMARY KEY REFERENCES telehub_user (id) ON DELETE CASCADE,
    secret        TEXT         NOT NULL,
    confirmed_at  TIMESTAMP WITH TIME ZONE,
    last_step     BIGINT       NOT NULL DEFAULT 0,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One-time recovery codes, 80 random bits each: stored as SHA-256 (a hash as slow as a password's is not needed for
-- a random 80-bit value), crossed out when used.
CREATE TABLE auth_recovery_code (
    user_id    BIGINT NOT NULL REFERENCES telehub_user (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (user_id, code_hash)
);
