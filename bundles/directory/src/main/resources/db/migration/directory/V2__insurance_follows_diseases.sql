-- Issue 19, part 2: insurance, follows with the next free slot, diseases (ICD-10) and durable imports.

-- A clinic's opening hours: weekday (monday ... sunday) -> [{"start":"08:00","end":"12:30"}, ...], local times of
-- the clinic's time zone; a day absent: closed.
ALTER TABLE directory_clinic ADD COLUMN opening_hours JSONB NOT NULL DEFAULT '{}';

-- A clinic's logo and a doctor's photo: file_object ids of the encrypted file store (images the hub re-encoded).
ALTER TABLE directory_clinic ADD COLUMN logo_file VARCHAR(36);
ALTER TABLE directory_profile ADD COLUMN photo_file VARCHAR(36);

-- Insurance organisations and their plans. Nothing here processes claims: a plan is what a doctor or a clinic
-- accepts and what a patient's coverage names, so booking can say "covered" or "not covered".
CREATE TABLE directory_insurer (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_insurer_name UNIQUE (name)
);

CREATE TABLE directory_plan (
    id          VARCHAR(36)  PRIMARY KEY,
    insurer_id  VARCHAR(36)  NOT NULL REFERENCES directory_insurer (id) ON DELETE CASCADE,
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_plan_name UNIQUE (insurer_id, name)
);

-- A patient's coverage: the plan, their member id and when it is valid (dates in the patient's own reckoning;
-- valid_to null: open-ended).
CREATE TABLE directory_coverage (
    id          VARCHAR(36)  PRIMARY KEY,
    patient_id  VARCHAR(36)  NOT NULL REFERENCES encounter_patient (id) ON DELETE CASCADE,
    plan_id     VARCHAR(36)  NOT NULL REFERENCES directory_plan (id),
    member_id   VARCHAR(64)  NOT NULL,
    valid_from  DATE         NOT NULL,
    valid_to    DATE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_coverage_member UNIQUE (patient_id, plan_id, member_id),
    CONSTRAINT directory_coverage_dates CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX directory_coverage_patient ON directory_coverage (patient_id);

-- Plans a doctor accepts themselves, and plans a clinic accepts for all its doctors.
CREATE TABLE directory_doctor_plan (
    doctor_id   VARCHAR(36)  NOT NULL REFERENCES directory_profile (doctor_id) ON DELETE CASCADE,
    plan_id     VARCHAR(36)  NOT NULL REFERENCES directory_plan (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, doctor_id)
);
CREATE INDEX directory_doctor_plan_doctor ON directory_doctor_plan (doctor_id);

CREATE TABLE directory_clinic_plan (
    clinic_id   VARCHAR(36)  NOT NULL REFERENCES directory_clinic (id) ON DELETE CASCADE,
    plan_id     VARCHAR(36)  NOT NULL REFERENCES directory_plan (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, clinic_id)
);
CREATE INDEX directory_clinic_plan_clinic ON directory_clinic_plan (clinic_id);

-- The doctor's next free slot, kept by encounter events (a booking, a cancellation, a move) and by a sweep that
-- renews what has passed or was last worked out long ago; null: none in the next 31 days (or not yet worked out,
-- next_slot_at null).
ALTER TABLE directory_profile ADD COLUMN next_free_slot TIMESTAMP WITH TIME ZONE;
ALTER TABLE directory_profile ADD COLUMN next_slot_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX directory_profile_next_free ON directory_profile (next_free_slot);
CREATE INDEX directory_profile_next_slot_at ON directory_profile (next_slot_at NULLS FIRST);

-- A patient follows a doctor to be told of free slots that open up (a cancellation, a visit moved away).
-- noticed_at: when they were last told about this doctor (at most one notice per notice interval).
CREATE TABLE directory_follow (
    patient_id  VARCHAR(36)  NOT NULL REFERENCES encounter_patient (id) ON DELETE CASCADE,
    doctor_id   VARCHAR(36)  NOT NULL REFERENCES directory_profile (doctor_id) ON DELETE CASCADE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    noticed_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (doctor_id, patient_id)
);
CREATE INDEX directory_follow_patient ON directory_follow (patient_id);

-- What went out on which channel for one notice (a work item), so a retry does not send it twice.
CREATE TABLE directory_follow_sent (
    item_id     VARCHAR(36)  NOT NULL,
    channel     VARCHAR(40)  NOT NULL,
    sent_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (item_id, channel)
);

-- Diseases: ICD-10 codes (dotted, e.g. E11.9) with the edition's own name; billable false for a category header.
-- The hub ships no code set: the clinic imports its edition (the public-domain ICD-10-CM order file, or its
-- national edition as CSV) and translations per language.
CREATE TABLE directory_disease (
    code          VARCHAR(8)   PRIMARY KEY,
    name          VARCHAR(400) NOT NULL,
    billable      BOOLEAN      NOT NULL,
    -- the edition's name normalised (Normaliser); search_text adds every translation's words to it, so one GIN
    -- index answers a search in any language
    name_text     TEXT         NOT NULL,
    search_text   TEXT         NOT NULL,
    search_vector TSVECTOR     GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX directory_disease_search ON directory_disease USING gin (search_vector);
-- code prefixes (E11 finds E11.0 ... E11.9) on the code without its dot
CREATE INDEX directory_disease_code ON directory_disease (replace(code, '.', '') text_pattern_ops);
-- a search's order: billable codes first, then by code (words common to thousands of codes are read in this order
-- and stop at the page instead of sorting every match)
CREATE INDEX directory_disease_order ON directory_disease (billable DESC, code);

-- Translations of the names, per language; their normalised words are part of the disease's search_text.
CREATE TABLE directory_disease_name (
    code          VARCHAR(8)   NOT NULL REFERENCES directory_disease (code) ON DELETE CASCADE,
    language      VARCHAR(8)   NOT NULL,
    name          VARCHAR(400) NOT NULL,
    search_text   TEXT         NOT NULL,
    PRIMARY KEY (code, language)
);

-- A large import, run as durable work in slices: each slice's rows and the new 'done' commit together, so a node
-- killed mid-import resumes where the last slice ended and no row is applied twice. The file is dropped when done.
CREATE TABLE directory_import (
    id           VARCHAR(36)  PRIMARY KEY,
    kind         VARCHAR(20)  NOT NULL,
    format       VARCHAR(20)  NOT NULL,
    language     VARCHAR(8),
    state        VARCHAR(12)  NOT NULL,
    total        INTEGER      NOT NULL,
    done         INTEGER      NOT NULL DEFAULT 0,
    imported     INTEGER      NOT NULL DEFAULT 0,
    errors       JSONB        NOT NULL DEFAULT '[]',
    content      TEXT,
    created_by   VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE
);
