-- The interfaces that tell their receiver about visits (SIU), as their configuration says: written when the
-- interface starts, removed when its configuration is; read by whichever node handles an encounter event, so an
-- event is never skipped because the interface happened to be restarting.
CREATE TABLE hl7_visit_status (
    adapter_id  VARCHAR(100) PRIMARY KEY,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
