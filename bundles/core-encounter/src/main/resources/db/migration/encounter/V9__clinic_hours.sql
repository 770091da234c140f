-- Working hours per clinic (issue 19). A range of hours, an extra-hours exception and a visit may name the clinic
-- they are at (the directory's directory_clinic.id; no foreign key, the directory is another bundle); NULL is "at no
-- clinic in particular", what every row was before. Two clinics' ranges may start at the same minute, so the key
-- of a range becomes (doctor, weekday, start, clinic).
ALTER TABLE encounter_doctor_hours ADD COLUMN clinic_id VARCHAR(36);
ALTER TABLE encounter_doctor_hours DROP CONSTRAINT encounter_doctor_hours_pkey;
CREATE UNIQUE INDEX encounter_doctor_hours_range ON encounter_doctor_hours
    (doctor_id, weekday, start_minute, COALESCE(clinic_id, ''));
ALTER TABLE encounter_doctor_exception ADD COLUMN clinic_id VARCHAR(36);
ALTER TABLE encounter ADD COLUMN clinic_id VARCHAR(36);
