-- Resumable uploads (issue 17: large files in pieces by Content-Range). An upload is started with the file's name and
-- size; its pieces come in order, each stored encrypted in the file store before its row and the upload's received
-- count commit (a piece answered is kept; a piece cut off mid-way is not). When the last piece is in, the pieces are
-- read back in order through the same path as a one-piece upload (typed, scanned, stored, deduplicated) and the
-- attachment is noted here; the pieces are then deleted. An upload left unfinished is deleted when it expires
-- (a chat.upload.expire work item, planned when it starts).
CREATE TABLE chat_upload (
    id               VARCHAR(36) PRIMARY KEY,
    conversation_id  VARCHAR(36) NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
    uploader         VARCHAR(200) NOT NULL,
    name             VARCHAR(255) NOT NULL,
    size             BIGINT NOT NULL,
    received         BIGINT NOT NULL DEFAULT 0,
    attachment_id    VARCHAR(36) REFERENCES chat_attachment (id) ON DELETE SET NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT chat_upload_received CHECK (received >= 0 AND received <= size)
);

CREATE TABLE chat_upload_part (
    upload_id  VARCHAR(36) NOT NULL REFERENCES chat_upload (id) ON DELETE CASCADE,
    "offset"   BIGINT NOT NULL,
    length     BIGINT NOT NULL,
    file_id    VARCHAR(36) NOT NULL,
    PRIMARY KEY (upload_id, "offset")
);
