-- The durable work items of every topic (org.telehub.work). The row is the truth; a persistent Artemis message on
-- telehub.work.<topic> only says "look at these rows now" (scheduled for due_at), and the sweeper wakes rows whose
-- message was lost. seq orders the items of one key on an ordered topic.
CREATE TABLE work_item (
    id               VARCHAR(36)   PRIMARY KEY,
    seq              BIGINT        GENERATED ALWAYS AS IDENTITY,
    topic            VARCHAR(100)  NOT NULL,
    item_key         VARCHAR(200),
    payload          TEXT          NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    due_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    idempotency_key  VARCHAR(200),
    claimed_by       VARCHAR(36),
    claimed_at       TIMESTAMP WITH TIME ZONE,
    woken_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(1000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT work_item_state CHECK (state IN ('pending', 'running', 'done', 'dead', 'cancelled')),
    CONSTRAINT work_item_idempotency UNIQUE (topic, idempotency_key)
);
-- what the sweeper and a newly registered handler look for
CREATE INDEX work_item_due ON work_item (topic, due_at) WHERE state = 'pending';
-- stale claims
CREATE INDEX work_item_running ON work_item (claimed_at) WHERE state = 'running';
-- the head of a key on an ordered topic
CREATE INDEX work_item_key ON work_item (topic, item_key, seq) WHERE item_key IS NOT NULL AND state IN ('pending', 'running');
-- admin lists and counts
CREATE INDEX work_item_topic_state ON work_item (topic, state, created_at);
