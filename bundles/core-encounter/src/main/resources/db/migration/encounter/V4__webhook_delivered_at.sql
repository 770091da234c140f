-- Issue 13: finished work items are pruned after the work service's keepFinishedHours, so a webhook delivery keeps
-- when it was delivered on its own row (as reminders keep sent_at and integration deliveries delivered_at).
ALTER TABLE encounter_webhook_delivery ADD COLUMN delivered_at TIMESTAMP WITH TIME ZONE;
