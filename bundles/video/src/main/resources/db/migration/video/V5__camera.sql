-- Live pictures in a visit's room (issue 22): an endoscopy system's video, sent by the media engine of the hub node
-- that shows it, as one more peer of the room that only sends. A row while it is shown; gone when it stops.
--   source: the system (its adapter id); signal: connecting (no frame yet), live, lost (no frame for 2 s);
--   seen_at: the node showing it is alive (refreshed every 20 s; a row a minute stale was left by a node that died).
CREATE TABLE video_camera (
    encounter_id VARCHAR(36)  NOT NULL,
    source       VARCHAR(100) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    peer_id      VARCHAR(40)  NOT NULL UNIQUE,
    signal       VARCHAR(12)  NOT NULL CHECK (signal IN ('connecting', 'live', 'lost')),
    started_by   VARCHAR(200) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (encounter_id, source)
);
