-- Direct conversations between clinicians (issue 17: "a doctor asks a colleague"). Kind 'direct': no encounter, no
-- patient (it is in no patient's record or export), its members listed in chat_member. member_key is the two members'
-- usernames, sorted, joined by a space: opening a conversation with the same colleague again finds the same one, on
-- any node and in any race.
ALTER TABLE chat_conversation ALTER COLUMN patient_id DROP NOT NULL;
ALTER TABLE chat_conversation ADD COLUMN member_key VARCHAR(200);
ALTER TABLE chat_conversation ADD CONSTRAINT chat_conversation_member_key UNIQUE (member_key);
ALTER TABLE chat_conversation ADD CONSTRAINT chat_conversation_kind CHECK (
    (kind = 'encounter' AND encounter_id IS NOT NULL AND patient_id IS NOT NULL AND member_key IS NULL)
    OR (kind = 'direct' AND encounter_id IS NULL AND patient_id IS NULL AND member_key IS NOT NULL));

CREATE TABLE chat_member (
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    username         VARCHAR(200) NOT NULL,
    display_name     VARCHAR(200) NOT NULL,
    joined_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (conversation_id, username)
);
CREATE INDEX chat_member_username ON chat_member (username);
