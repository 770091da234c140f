-- Sign-in through an OpenID Connect provider by the authorization code flow with PKCE (issue 15): the hub runs the
-- flow for the browser. An attempt lives here, not in one node's memory, so any node can finish it.
--   state_hash      SHA-256 of the state sent to the provider (the state itself is only in the redirect URLs)
--   code_challenge  the PKCE S256 challenge. The verifier is not stored at all: it is the value of the short-lived
--                   httpOnly cookie that binds the attempt to the browser that started it, so the same secret proves
--                   "this browser" at the callback and "this client" at the token endpoint, and a copy of the
--                   database cannot redeem an intercepted code.
--   nonce           sent to the provider, must come back in the ID token (it is no secret: it is in the URL)
--   spent_at        set by the one callback that takes the attempt (a conditional update: two racing callbacks,
--                   one wins); the row stays until it is old so that a replay is told apart from a guess
CREATE TABLE auth_oidc_login (
    state_hash      CHAR(64)     PRIMARY KEY,
    code_challenge  VARCHAR(64)  NOT NULL,
    nonce           VARCHAR(64)  NOT NULL,
    return_to       VARCHAR(512) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    spent_at        TIMESTAMP WITH TIME ZONE
);
CREATE INDEX auth_oidc_login_expiry ON auth_oidc_login (expires_at);

-- A session a provider signed in: roles as the provider's mapping gave them at sign-in (NULL: the account's own
-- roles, read at each check), and who authenticated it ('oidc'; NULL: the hub's own password check), so the hub does
-- not ask such a session for its local second factor (the provider decides its factors).
ALTER TABLE auth_token ADD COLUMN roles VARCHAR(100);
ALTER TABLE auth_token ADD COLUMN signed_in_by VARCHAR(16);
