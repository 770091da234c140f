-- Procedure steps a system reports as it performs them (an endoscopy system's MPPS): started, then completed or
-- discontinued, never changed after that. One row per system and step id (the MPPS SOP Instance UID).
CREATE TABLE integration_procedure_step (
    adapter_id          VARCHAR(100) NOT NULL,
    uid                 VARCHAR(64)  NOT NULL,
    patient_id          VARCHAR(64)  NOT NULL,
    scheduled_step_id   VARCHAR(64),
    accession_number    VARCHAR(64),
    study_uid           VARCHAR(64),
    status              VARCHAR(16)  NOT NULL,
    description         TEXT,
    station_ae          VARCHAR(16),
    started_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at            TIMESTAMP WITH TIME ZONE,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (adapter_id, uid)
);
CREATE INDEX integration_procedure_step_patient ON integration_procedure_step (adapter_id, patient_id);
