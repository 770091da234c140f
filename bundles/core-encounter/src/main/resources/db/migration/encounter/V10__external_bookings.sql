-- Visits an external scheduler booked (HL7 v2 SIU, issue 21): each appointment of a system is one visit, found
-- again by the system's appointment id when the scheduler moves or cancels it.
CREATE TABLE encounter_external_booking (
    system_id      VARCHAR(64)  NOT NULL,
    appointment_id VARCHAR(200) NOT NULL,
    encounter_id   VARCHAR(36)  NOT NULL REFERENCES encounter (id),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (system_id, appointment_id)
);
CREATE UNIQUE INDEX encounter_external_booking_encounter ON encounter_external_booking (encounter_id);
