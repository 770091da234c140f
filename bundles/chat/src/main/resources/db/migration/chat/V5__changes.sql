-- Editing and retraction (issue 17). A sender may change the text of their own message or retract it; what it said
-- before is kept in chat_message_version (version 1: as first sent), never shown once retracted, and is part of the
-- patient's record (the export). A message keeps its number and place: a change is not a new message.
-- revision: the conversation's change counter when the message last changed (0: never), so a client that comes back
-- after a disconnect asks for the changes after the last one it saw, as it asks for the messages after the last one.
ALTER TABLE chat_message ADD COLUMN edited_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE chat_message ADD COLUMN retracted_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE chat_message ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE chat_conversation ADD COLUMN last_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX chat_message_revision ON chat_message (conversation_id, revision) WHERE revision > 0;

CREATE TABLE chat_message_version (
    message_id     VARCHAR(36) NOT NULL REFERENCES chat_message (id) ON DELETE CASCADE,
    version        INT NOT NULL,
    body           TEXT NOT NULL,
    attachment_id  VARCHAR(36) REFERENCES chat_attachment (id),
    replaced_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (message_id, version)
);
CREATE INDEX chat_message_version_attachment ON chat_message_version (attachment_id) WHERE attachment_id IS NOT NULL;

-- Delivery receipts (issue 17): how far each member's devices have received a conversation (a client says so after
-- the messages reached it). Reading implies having received: a member's delivered mark is never below their read one.
ALTER TABLE chat_read ADD COLUMN delivered BIGINT NOT NULL DEFAULT 0;
UPDATE chat_read SET delivered = sequence;
