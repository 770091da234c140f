-- DICOM instances retrieved from a PACS into Telehub; the content is an encrypted file in the file store.
CREATE TABLE integration_imaging_instance (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    adapter_id          VARCHAR(100) NOT NULL,
    patient_id          VARCHAR(64)  NOT NULL,
    study_uid           VARCHAR(64)  NOT NULL,
    series_uid          VARCHAR(64)  NOT NULL,
    sop_instance_uid    VARCHAR(64)  NOT NULL,
    sop_class_uid       VARCHAR(64)  NOT NULL,
    modality            VARCHAR(16),
    file_id             VARCHAR(36)  NOT NULL,
    size_bytes          BIGINT       NOT NULL,
    received_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    received_by         VARCHAR(64)  NOT NULL,
    CONSTRAINT integration_imaging_instance_uid UNIQUE (adapter_id, sop_instance_uid)
);
CREATE INDEX integration_imaging_instance_patient ON integration_imaging_instance (adapter_id, patient_id, study_uid);
