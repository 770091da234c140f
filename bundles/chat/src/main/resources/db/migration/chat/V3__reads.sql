-- Read receipts (issue 17): how far each member has read a conversation. A marker only moves forward; a sender's own
-- message moves it too. Unread for a member: the messages of others after their marker.
CREATE TABLE chat_read (
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    reader           VARCHAR(200) NOT NULL,
    reader_name      VARCHAR(200) NOT NULL,
    sequence         BIGINT NOT NULL,
    read_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (conversation_id, reader)
);
