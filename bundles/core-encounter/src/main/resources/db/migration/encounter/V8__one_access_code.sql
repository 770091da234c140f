-- A visit has one access code (issue 15): the 9-digit code people join by, kept keyed-hashed and sealed in
-- encounter_access_code. The 8-character code of the first schema opened nothing, was kept in the clear and shown
-- to everyone who saw the visit; it goes. Visits booked before get their code at their first invitation.
ALTER TABLE encounter DROP COLUMN access_code;
