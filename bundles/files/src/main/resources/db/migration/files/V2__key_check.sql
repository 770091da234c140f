-- Issue 14: a check value of the master key (HMAC-SHA256 of a fixed label under the key, which reveals nothing of
-- the key) recorded at its first use with this database. The key itself stays outside the database (files.key); the
-- check lets a start tell "first start" from "the key was lost" and refuse a wrong key (another installation's, a
-- node with its own key file) by name instead of sealing new data with it.
CREATE TABLE files_key_check (
    id           SMALLINT     NOT NULL PRIMARY KEY CHECK (id = 1),
    check_value  CHAR(64)     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
