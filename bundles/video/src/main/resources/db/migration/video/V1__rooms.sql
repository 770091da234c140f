-- The people of a visit's video room (issue 18). One row per member (an account's username or visit:<participant>)
-- and visit; a member has at most one peer (browser tab) in the room at a time.
--   state: waiting (asked to enter), admitted (let in by the moderator, or entered as the doctor or a colleague; a
--          member once admitted re-enters at once after a dropped network), rejected, removed.
--   peer_id/seen_at: the member's current peer and when it was last heard from (no peer: not in the room now).
CREATE TABLE video_member (
    encounter_id  VARCHAR(36)  NOT NULL,
    member        VARCHAR(200) NOT NULL,
    role          VARCHAR(20)  NOT NULL,
    name          VARCHAR(200) NOT NULL,
    state         VARCHAR(10)  NOT NULL CHECK (state IN ('waiting', 'admitted', 'rejected', 'removed')),
    note          VARCHAR(10),
    reason        VARCHAR(500),
    peer_id       VARCHAR(40),
    seen_at       TIMESTAMP WITH TIME ZONE,
    audio         BOOLEAN      NOT NULL DEFAULT TRUE,
    video         BOOLEAN      NOT NULL DEFAULT TRUE,
    screen        BOOLEAN      NOT NULL DEFAULT FALSE,
    waiting_since TIMESTAMP WITH TIME ZONE,
    admitted_at   TIMESTAMP WITH TIME ZONE,
    admitted_by   VARCHAR(200),
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (encounter_id, member)
);
CREATE UNIQUE INDEX video_member_peer ON video_member (peer_id) WHERE peer_id IS NOT NULL;
