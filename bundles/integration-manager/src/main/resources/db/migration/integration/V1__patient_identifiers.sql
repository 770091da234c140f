-- Which identifier a local patient has in each connected system (MRN in the EHR, Patient ID in the PACS, ...).
CREATE TABLE integration_patient_identifier (
    local_patient_id VARCHAR(100) NOT NULL,
    adapter_id       VARCHAR(100) NOT NULL,
    identifier       VARCHAR(200) NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by       VARCHAR(64)  NOT NULL,
    PRIMARY KEY (local_patient_id, adapter_id)
);
CREATE INDEX integration_patient_identifier_system ON integration_patient_identifier (adapter_id, identifier);
