-- Doctors and patients as the scheduling sees them. `username` links a Telehub account (role doctor / patient)
-- to the person it acts as; visibility rules follow that link.
CREATE TABLE encounter_doctor (
    id            VARCHAR(36)  PRIMARY KEY,
    username      VARCHAR(64),
    display_name  VARCHAR(200) NOT NULL,
    speciality    VARCHAR(100),
    clinic        VARCHAR(200),
    time_zone     VARCHAR(64)  NOT NULL,
    slot_minutes  INTEGER      NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT encounter_doctor_username UNIQUE (username)
);

CREATE TABLE encounter_patient (
    id            VARCHAR(36)  PRIMARY KEY,
    username      VARCHAR(64),
    display_name  VARCHAR(200) NOT NULL,
    birth_date    DATE,
    email         VARCHAR(254),
    phone         VARCHAR(32),
    time_zone     VARCHAR(64),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT encounter_patient_username UNIQUE (username)
);

-- Weekly working hours in the doctor's time zone: minutes of the day, [start, end), several ranges a day.
CREATE TABLE encounter_doctor_hours (
    doctor_id     VARCHAR(36)  NOT NULL REFERENCES encounter_doctor (id) ON DELETE CASCADE,
    weekday       SMALLINT     NOT NULL,
    start_minute  INTEGER      NOT NULL,
    end_minute    INTEGER      NOT NULL,
    PRIMARY KEY (doctor_id, weekday, start_minute)
);

-- Exceptions on one local date: time off (kind 'off'; no minutes = the whole day) or extra hours ('extra').
CREATE TABLE encounter_doctor_exception (
    id            VARCHAR(36)  PRIMARY KEY,
    doctor_id     VARCHAR(36)  NOT NULL REFERENCES encounter_doctor (id) ON DELETE CASCADE,
    local_date    DATE         NOT NULL,
    start_minute  INTEGER,
    end_minute    INTEGER,
    kind          VARCHAR(8)   NOT NULL,
    reason        VARCHAR(200)
);
CREATE INDEX encounter_doctor_exception_day ON encounter_doctor_exception (doctor_id, local_date);

-- An encounter. doctor_slot / patient_slot equal scheduled_start while the visit holds its time (scheduled,
-- confirmed, in progress, completed) and are NULL once it is cancelled or a no-show: the unique constraints are
-- the database's last word against two visits starting at the same moment for one doctor or one patient. Overlaps
-- that do not share a start are excluded by booking under row locks on the doctor and the patient.
CREATE TABLE encounter (
    id                    VARCHAR(36)  PRIMARY KEY,
    type                  VARCHAR(16)  NOT NULL,
    status                VARCHAR(16)  NOT NULL,
    doctor_id             VARCHAR(36)  NOT NULL REFERENCES encounter_doctor (id),
    patient_id            VARCHAR(36)  NOT NULL REFERENCES encounter_patient (id),
    scheduled_start       TIMESTAMP WITH TIME ZONE NOT NULL,
    scheduled_end         TIMESTAMP WITH TIME ZONE NOT NULL,
    actual_start          TIMESTAMP WITH TIME ZONE,
    actual_end            TIMESTAMP WITH TIME ZONE,
    chief_complaint       VARCHAR(1000),
    patient_notes         VARCHAR(4000),
    doctor_notes          VARCHAR(10000),
    recording_enabled     BOOLEAN      NOT NULL,
    recording_consent_by  VARCHAR(64),
    recording_consent_at  TIMESTAMP WITH TIME ZONE,
    fee_amount            DECIMAL(12, 2),
    fee_currency          VARCHAR(3),
    paid                  BOOLEAN      NOT NULL,
    access_code           VARCHAR(12)  NOT NULL,
    room_id               VARCHAR(36),
    cancel_reason         VARCHAR(500),
    ended_by              VARCHAR(64),
    doctor_slot           TIMESTAMP WITH TIME ZONE,
    patient_slot          TIMESTAMP WITH TIME ZONE,
    revision              INTEGER      NOT NULL,
    created_by            VARCHAR(64)  NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT encounter_doctor_slot UNIQUE (doctor_id, doctor_slot),
    CONSTRAINT encounter_patient_slot UNIQUE (patient_id, patient_slot)
);
CREATE INDEX encounter_doctor_time ON encounter (doctor_id, scheduled_start);
CREATE INDEX encounter_patient_time ON encounter (patient_id, scheduled_start);
CREATE INDEX encounter_status_time ON encounter (status, scheduled_start);

-- Invited participants: a colleague (may have a Telehub account), a guest, an interpreter.
CREATE TABLE encounter_participant (
    id            VARCHAR(36)  PRIMARY KEY,
    encounter_id  VARCHAR(36)  NOT NULL REFERENCES encounter (id) ON DELETE CASCADE,
    kind          VARCHAR(16)  NOT NULL,
    display_name  VARCHAR(200) NOT NULL,
    email         VARCHAR(254),
    username      VARCHAR(64),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX encounter_participant_encounter ON encounter_participant (encounter_id);
CREATE INDEX encounter_participant_username ON encounter_participant (username);

-- Reminders: the row is the truth (pending, sent, cancelled, replaced, failed); an Artemis message scheduled for
-- due_at only says "look at this row then".
CREATE TABLE encounter_reminder (
    id              VARCHAR(36)  PRIMARY KEY,
    encounter_id    VARCHAR(36)  NOT NULL REFERENCES encounter (id) ON DELETE CASCADE,
    offset_seconds  BIGINT       NOT NULL,
    due_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    detail          VARCHAR(500),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX encounter_reminder_encounter ON encounter_reminder (encounter_id);
CREATE INDEX encounter_reminder_due ON encounter_reminder (state, due_at);

-- Portal webhooks. The secret signs events (HMAC-SHA256); it is never returned by the API.
CREATE TABLE encounter_webhook (
    id           VARCHAR(36)   PRIMARY KEY,
    url          VARCHAR(2000) NOT NULL,
    secret       VARCHAR(200)  NOT NULL,
    description  VARCHAR(200),
    active       BOOLEAN       NOT NULL,
    created_by   VARCHAR(64)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per (event, subscription), written in the transaction of the status change (an outbox).
CREATE TABLE encounter_webhook_delivery (
    id               VARCHAR(36)  PRIMARY KEY,
    webhook_id       VARCHAR(36)  NOT NULL REFERENCES encounter_webhook (id) ON DELETE CASCADE,
    event_id         VARCHAR(36)  NOT NULL,
    event_type       VARCHAR(40)  NOT NULL,
    encounter_id     VARCHAR(36)  NOT NULL,
    payload          TEXT         NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL,
    max_attempts     INTEGER      NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_status      INTEGER,
    last_error       VARCHAR(500),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX encounter_webhook_delivery_due ON encounter_webhook_delivery (state, next_attempt_at);
CREATE INDEX encounter_webhook_delivery_hook ON encounter_webhook_delivery (webhook_id, created_at);

-- The key that signs join links, generated once and shared by every node through the database.
CREATE TABLE encounter_key (
    name        VARCHAR(32) PRIMARY KEY,
    key_value   VARCHAR(100) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
