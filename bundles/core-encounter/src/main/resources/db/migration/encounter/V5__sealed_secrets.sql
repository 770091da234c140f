-- Issue 14: the join-link key and webhook secrets are sealed with the hub's master key (org.telehub.files.SecretBox,
-- the key outside the database): room for the sealed form. Rows still plain are sealed in place at the first start
-- of this version (JoinLinks, Webhooks), one compare-and-set update each, so a start killed half-way or two nodes
-- starting at once leave every row either plain (sealed by the next start) or sealed once.
ALTER TABLE encounter_key ALTER COLUMN key_value TYPE TEXT;
ALTER TABLE encounter_webhook ALTER COLUMN secret TYPE TEXT;
