-- A delivery's remote ids are every record it made, comma-separated: a report with its diagnoses and prescription
-- lines (one Condition, one MedicationRequest each) makes as many records as it has lines, more than 200 characters.
ALTER TABLE integration_delivery ALTER COLUMN remote_id TYPE TEXT;
