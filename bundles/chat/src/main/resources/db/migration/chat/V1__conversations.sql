-- Conversations (issue 17). One per encounter for now (kind 'encounter'); staff-to-staff ones come later. patient_id is
-- the encounter's patient: whose export (ChatContributor) holds the conversation.
-- last_sequence is the per-conversation counter: a send locks the conversation's row to take the next number, so
-- messages are numbered in commit order with no gap and no two senders on the same number.
CREATE TABLE chat_conversation (
    id             VARCHAR(36) PRIMARY KEY,
    kind           VARCHAR(16) NOT NULL,
    encounter_id   VARCHAR(36),
    patient_id     VARCHAR(36) NOT NULL,
    last_sequence  BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT chat_conversation_encounter UNIQUE (encounter_id)
);
CREATE INDEX chat_conversation_patient ON chat_conversation (patient_id);

-- A message is stored before the sender is answered; (conversation, sender, client id) makes a retried send the same
-- message (sender: the account's username, or visit:<participant> for a guest). Text is stored as sent (the app renders it as text, never as markup).
CREATE TABLE chat_message (
    id               VARCHAR(36) PRIMARY KEY,
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    sequence         BIGINT NOT NULL,
    sender           VARCHAR(200) NOT NULL,
    sender_name      VARCHAR(200) NOT NULL,
    client_id        VARCHAR(64) NOT NULL,
    body             TEXT NOT NULL,
    sent_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT chat_message_sequence UNIQUE (conversation_id, sequence),
    CONSTRAINT chat_message_client UNIQUE (conversation_id, sender, client_id)
);
