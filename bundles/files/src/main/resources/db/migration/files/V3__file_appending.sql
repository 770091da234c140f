-- Files being written as they grow (recordings): listed here until finished or recovered, then in file_object.
CREATE TABLE file_appending (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    content_type  VARCHAR(200) NOT NULL,
    category      VARCHAR(50)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
