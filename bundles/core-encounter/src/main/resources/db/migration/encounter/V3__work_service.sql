-- Issue 13: encounter events fan out through the durable work service (org.telehub.work), and reminders and
-- webhook deliveries are work items there. The work item holds the one state (pending, running, done, dead,
-- cancelled); what is left here is what the APIs show beside it. Pre-release: reminders and deliveries still open
-- in the old tables are dropped with them (no production data exists).

-- Every subscriber name ever registered: events go to each of them whether or not its bundle runs at that moment
-- (a subscriber being updated gets its events when it is back).
CREATE TABLE encounter_subscriber (
    name        VARCHAR(80) PRIMARY KEY,
    first_seen  TIMESTAMP WITH TIME ZONE NOT NULL
);

DROP TABLE encounter_reminder;
-- One reminder; its state is work item work_id's (topic encounter.reminder, idempotency key = id). detail and
-- sent_at say what the channels did.
CREATE TABLE encounter_reminder (
    id              VARCHAR(36)  PRIMARY KEY,
    encounter_id    VARCHAR(36)  NOT NULL REFERENCES encounter (id) ON DELETE CASCADE,
    offset_seconds  BIGINT       NOT NULL,
    due_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    work_id         VARCHAR(36)  NOT NULL,
    detail          VARCHAR(500),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX encounter_reminder_encounter ON encounter_reminder (encounter_id);

DROP TABLE encounter_webhook_delivery;
-- One event to one subscription; id = the work item's id (topic encounter.webhook, key = webhook id).
CREATE TABLE encounter_webhook_delivery (
    id            VARCHAR(36)  PRIMARY KEY,
    webhook_id    VARCHAR(36)  NOT NULL REFERENCES encounter_webhook (id) ON DELETE CASCADE,
    event_id      VARCHAR(36)  NOT NULL,
    event_type    VARCHAR(40)  NOT NULL,
    encounter_id  VARCHAR(36)  NOT NULL,
    last_status   INTEGER,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX encounter_webhook_delivery_hook ON encounter_webhook_delivery (webhook_id, created_at);
