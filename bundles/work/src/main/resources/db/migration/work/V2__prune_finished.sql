-- Done and cancelled items are deleted keepFinishedHours after they finished (WorkEngine.prune): the pruner's
-- index. counts() reads only open and dead items (work_item_topic_state), so neither grows with history.
CREATE INDEX work_item_finished ON work_item (finished_at) WHERE state IN ('done', 'cancelled');
