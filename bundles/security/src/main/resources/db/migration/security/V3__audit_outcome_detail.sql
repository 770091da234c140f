-- Outcomes name what was touched (e.g. which study was retrieved), which does not fit 50 characters.
ALTER TABLE audit_event ALTER COLUMN outcome SET DATA TYPE VARCHAR(500);
