-- Instances a system sends unasked (an endoscopy system's images) carry the order they were made for: its Accession
-- Number (DICOM SH, at most 16 characters). Null for retrieved ones.
ALTER TABLE integration_imaging_instance ADD COLUMN accession_number VARCHAR(16);
CREATE INDEX integration_imaging_instance_accession ON integration_imaging_instance (adapter_id, accession_number);
