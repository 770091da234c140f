-- Invitations to a visit (issue 15): one row per person invited by email and/or SMS. The single-use link's secret
-- (256 bits) is kept as its SHA-256 (secret_hash, what a redeem looks up) and, only until the sends are finished,
-- sealed with the hub's master key (secret_sealed, SecretBox: the message is composed when the send runs, possibly
-- after a restart); it is erased when the last send is done or dead, at the redeem and at the revocation.
CREATE TABLE encounter_invitation (
    id              VARCHAR(36)  PRIMARY KEY,
    encounter_id    VARCHAR(36)  NOT NULL REFERENCES encounter (id) ON DELETE CASCADE,
    kind            VARCHAR(16)  NOT NULL,
    participant_id  VARCHAR(36),
    display_name    VARCHAR(200) NOT NULL,
    email           VARCHAR(254),
    phone           VARCHAR(32),
    language        VARCHAR(8)   NOT NULL,
    time_zone       VARCHAR(64)  NOT NULL,
    secret_hash     CHAR(64)     NOT NULL,
    secret_sealed   TEXT,
    created_by      VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    redeemed_at     TIMESTAMP WITH TIME ZONE,
    revoked_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT encounter_invitation_secret UNIQUE (secret_hash)
);
CREATE INDEX encounter_invitation_encounter ON encounter_invitation (encounter_id);

-- One send per (invitation, channel): a work item on encounter.invitation; its state is the work item's.
CREATE TABLE encounter_invitation_send (
    id             VARCHAR(36)  PRIMARY KEY,
    invitation_id  VARCHAR(36)  NOT NULL REFERENCES encounter_invitation (id) ON DELETE CASCADE,
    channel        VARCHAR(16)  NOT NULL,
    work_id        VARCHAR(36)  NOT NULL,
    detail         VARCHAR(500),
    sent_at        TIMESTAMP WITH TIME ZONE,
    CONSTRAINT encounter_invitation_send_channel UNIQUE (invitation_id, channel)
);

-- The visit's access code (9 digits), made at its first invitation: a keyed hash (HMAC-SHA256 under the join-link
-- key) to find the visit, unique across visits, and a sealed copy to put in messages and show who runs the visit.
CREATE TABLE encounter_access_code (
    encounter_id  VARCHAR(36)  PRIMARY KEY REFERENCES encounter (id) ON DELETE CASCADE,
    code_hash     CHAR(64)     NOT NULL,
    code_sealed   TEXT         NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT encounter_access_code_hash UNIQUE (code_hash)
);

-- How a participant came: at booking, by an invitation, or by the access code (a guest the waiting room admits).
ALTER TABLE encounter_participant ADD COLUMN joined_by VARCHAR(16);
