-- Browser sessions (issue 15) live beside bearer tokens: the same hashed secret, the same revocation, so "log out
-- everywhere" and disabling an account are one UPDATE. A session also has an idle timeout (last_used_at, touched
-- at most once a minute) and a state for a second factor still to come.
ALTER TABLE auth_token ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'bearer';
ALTER TABLE auth_token ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE auth_token ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE auth_token ADD CONSTRAINT auth_token_kind CHECK (kind IN ('bearer', 'session'));
