-- One row per stored file; the encrypted content lives in the store's directory under the same id.
CREATE TABLE file_object (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    content_type  VARCHAR(200) NOT NULL,
    category      VARCHAR(50)  NOT NULL,
    size_bytes    BIGINT       NOT NULL,
    sha256        CHAR(64)     NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX file_object_category ON file_object (category, created_at);
