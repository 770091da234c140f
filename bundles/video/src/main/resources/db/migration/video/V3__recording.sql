-- Consented recording (issue 18). A member's consent to the visit's recording, given in the room and withdrawn there
-- (recording runs only while every member in the room has consented).
ALTER TABLE video_member ADD COLUMN consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE video_member ADD COLUMN consent_at TIMESTAMP WITH TIME ZONE;

-- A recording of a visit, in parts: a part ends when recording stops, and when the media engine that made it died
-- (a new part begins when it is back). Each part is one file of the file store, appended as it is recorded.
--   state: recording (file growing; synced_at says the hub still writes it), stopped (finished), interrupted (the
--          engine or the hub died; the file was closed with what had been synced).
CREATE TABLE video_recording (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    encounter_id VARCHAR(36)  NOT NULL,
    part         INTEGER      NOT NULL,
    file_id      VARCHAR(36)  NOT NULL,
    peer_id      VARCHAR(40)  NOT NULL,
    state        VARCHAR(12)  NOT NULL CHECK (state IN ('recording', 'stopped', 'interrupted')),
    started_by   VARCHAR(200) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    synced_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at     TIMESTAMP WITH TIME ZONE,
    size_bytes   BIGINT       NOT NULL DEFAULT 0,
    end_reason   VARCHAR(300),
    UNIQUE (encounter_id, part)
);
CREATE UNIQUE INDEX video_recording_live ON video_recording (encounter_id) WHERE state = 'recording';
CREATE INDEX video_recording_synced ON video_recording (synced_at) WHERE state = 'recording';
