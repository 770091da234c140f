-- Deliveries run on the durable work service (org.telehub.work): its work item (work_id) is the truth about state,
-- attempts, retry time and last error; this row keeps the result, its target and the target's answer. The old
-- columns stay only for deliveries finished before this version (work_id NULL); open ones get a work item when
-- the manager starts (DeliveryService), so nothing is left to the old queue.
ALTER TABLE integration_delivery ADD COLUMN work_id VARCHAR(36);
ALTER TABLE integration_delivery ALTER COLUMN state DROP NOT NULL;
ALTER TABLE integration_delivery ALTER COLUMN attempts DROP NOT NULL;
ALTER TABLE integration_delivery ALTER COLUMN max_attempts DROP NOT NULL;
ALTER TABLE integration_delivery ALTER COLUMN next_attempt_at DROP NOT NULL;
DROP INDEX integration_delivery_due;
CREATE INDEX integration_delivery_created ON integration_delivery (created_at);
