-- Visit-scoped identities (issue 15): a guest or interpreter of one visit, without an account, from a redeemed
-- invitation or the visit's access code. Only the SHA-256 of the bearer token is stored (as for auth_token). No
-- foreign key to the encounter: the security schema is migrated before the encounters' and knows nothing of them.
-- source: 'invitation:<id>' or 'code', so an invitation's revocation ends the identities it gave.
CREATE TABLE visit_identity (
    token_hash      CHAR(64)     PRIMARY KEY,
    encounter_id    VARCHAR(36)  NOT NULL,
    participant_id  VARCHAR(36)  NOT NULL,
    kind            VARCHAR(16)  NOT NULL,
    display_name    VARCHAR(200) NOT NULL,
    source          VARCHAR(80)  NOT NULL,
    issued_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX visit_identity_encounter ON visit_identity (encounter_id);
CREATE INDEX visit_identity_source ON visit_identity (source);
