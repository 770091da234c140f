-- DICOMweb reads (WADO-RS) find a retrieved study, series or instance by its UIDs without the patient.
CREATE INDEX integration_imaging_instance_study ON integration_imaging_instance (adapter_id, study_uid, series_uid);
