-- Who leads a visit's room when the visit's doctor handed it over (issue 18): to an invited colleague in the room.
-- No row: the visit's doctor leads. The visit's doctor can always take the lead back (the row goes).
CREATE TABLE video_room (
    encounter_id VARCHAR(36)  NOT NULL PRIMARY KEY,
    moderator    VARCHAR(200) NOT NULL,
    handed_by    VARCHAR(200) NOT NULL,
    handed_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
