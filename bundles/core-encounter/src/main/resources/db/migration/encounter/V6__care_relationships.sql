-- Issue 14: a clinician reaches a patient's data only through a care relationship. Visits give one by themselves
-- (their doctor, an invited colleague); the care team is the other, assigned by the treating doctor, a clinic
-- administrator or the system administrator; break-glass grants are the audited, time-limited exception.
CREATE TABLE encounter_care_team (
    patient_id  VARCHAR(36)  NOT NULL REFERENCES encounter_patient (id) ON DELETE CASCADE,
    username    VARCHAR(64)  NOT NULL,
    added_by    VARCHAR(64)  NOT NULL,
    added_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (patient_id, username)
);
CREATE INDEX encounter_care_team_username ON encounter_care_team (username);

-- One break-glass: who, for which patient, why, until when. Rows stay (they are evidence); expiry ends the grant.
CREATE TABLE encounter_break_glass (
    id          VARCHAR(36)   PRIMARY KEY,
    patient_id  VARCHAR(36)   NOT NULL REFERENCES encounter_patient (id) ON DELETE CASCADE,
    username    VARCHAR(64)   NOT NULL,
    reason      VARCHAR(1000) NOT NULL,
    granted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX encounter_break_glass_user ON encounter_break_glass (username, patient_id, expires_at);

-- The reach query looks visits up by patient and doctor.
CREATE INDEX encounter_doctor_patient ON encounter (doctor_id, patient_id);
