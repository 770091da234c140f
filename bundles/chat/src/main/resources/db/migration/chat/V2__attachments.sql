-- Files posted in conversations (issue 17). The content lives in the encrypted file store (file_id); a row exists
-- only once the content is stored whole. scan: 'clean' (ClamAV found nothing: downloadable), 'pending' (the scanner
-- could not be reached: quarantined, a chat.scan work item scans it when it answers again), 'infected' (a later scan
-- found a signature: the content is deleted, file_id cleared, the row kept so messages that named it say so). An
-- upload found infected at once is refused and leaves no row (its refusal is audited).
-- preview_file_id: an image's preview made by the hub (JPEG, upright, no EXIF), stored encrypted too; null for other
-- types and images it could not read.
-- (conversation, sha256): the same content posted twice in a conversation is one attachment.
CREATE TABLE chat_attachment (
    id               VARCHAR(36) PRIMARY KEY,
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    file_id          VARCHAR(36),
    preview_file_id  VARCHAR(36),
    sha256           CHAR(64) NOT NULL,
    name             VARCHAR(255) NOT NULL,
    content_type     VARCHAR(127) NOT NULL,
    size             BIGINT NOT NULL,
    scan             VARCHAR(16) NOT NULL,
    scan_detail      VARCHAR(300),
    uploaded_by      VARCHAR(200) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    scanned_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT chat_attachment_content UNIQUE (conversation_id, sha256)
);

-- A message may carry one attachment of its own conversation (its text may then be empty).
ALTER TABLE chat_message ADD COLUMN attachment_id VARCHAR(36) REFERENCES chat_attachment (id);

-- The key that signs download links, generated once (sealed with the master key) and shared by every node.
CREATE TABLE chat_key (
    name        VARCHAR(32) PRIMARY KEY,
    key_value   VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
