-- Notices of unread messages (issue 17). A send that finds no check pending for its conversation adds one here and a
-- chat.unread work item due after the configured delay, in the send's transaction; the work item removes the row
-- when it runs (the next message plans the next check) and writes to each of the visit's patient and doctor who still
-- has unread messages of others.
CREATE TABLE chat_notice_due (
    conversation_id  VARCHAR(36) PRIMARY KEY REFERENCES chat_conversation (id) ON DELETE CASCADE,
    due_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

-- What went out: per recipient and channel, the newest message it told them about, so a retry or a later check does
-- not tell them twice about the same messages.
CREATE TABLE chat_notice (
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    recipient        VARCHAR(200) NOT NULL,
    channel          VARCHAR(32) NOT NULL,
    sequence         BIGINT NOT NULL,
    sent_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (conversation_id, recipient, channel)
);

-- When a conversation's last message was sent, for the caller's conversations newest first (the messages page).
ALTER TABLE chat_conversation ADD COLUMN last_at TIMESTAMP WITH TIME ZONE;
UPDATE chat_conversation c SET last_at = (SELECT max(m.sent_at) FROM chat_message m WHERE m.conversation_id = c.id);
CREATE INDEX chat_conversation_last ON chat_conversation (last_at DESC, id DESC) WHERE last_at IS NOT NULL;
