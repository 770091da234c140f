-- Every change of an encounter, appended in the change's own transaction (issue 13): the durable record that
-- subscribers (reminders, portal webhooks, and later chat, video, reports) are fed from. The payload holds ids,
-- statuses and times only: no free text, names or contact data.
CREATE TABLE encounter_event (
    sequence      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    encounter_id  VARCHAR(36)  NOT NULL REFERENCES encounter (id),
    type          VARCHAR(40)  NOT NULL,
    occurred_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    actor         VARCHAR(64)  NOT NULL,
    payload       JSONB        NOT NULL
);

CREATE INDEX encounter_event_encounter ON encounter_event (encounter_id, sequence);
