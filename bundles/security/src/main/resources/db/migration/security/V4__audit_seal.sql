-- The tamper-evident audit trail (ARCHITECTURE.md, "The audit trail"). audit_event.id is each row's sequence number.
-- A seal hashes a batch of rows into a chain: hash = SHA-256(previous seal's hash || each row's canonical encoding,
-- in sequence order). seqs lists exactly the rows it covers: a row that commits late (a long transaction took its
-- number before a seal ran) is sealed by a later seal, so ranges alone could not say which rows a seal holds.
CREATE TABLE audit_seal (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sealed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    first_seq  BIGINT   NOT NULL,
    last_seq   BIGINT   NOT NULL,
    high_seq   BIGINT   NOT NULL,
    row_count  INTEGER  NOT NULL,
    seqs       BIGINT[] NOT NULL,
    prev_hash  CHAR(64) NOT NULL,
    hash       CHAR(64) NOT NULL
);
CREATE INDEX audit_seal_sealed_at ON audit_seal (sealed_at);

-- The sealer's own bookkeeping, not evidence (the verifier does not read it): sequence numbers missing when a seal
-- ran (a rolled-back transaction, or one still running). A row that appears in such a hole is sealed next; a hole
-- older than the configured window is forgotten as a rollback.
CREATE TABLE audit_hole (
    seq       BIGINT PRIMARY KEY,
    opened_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Second line of defence behind the grants (see the dbserver's protect-audit.sql): even the tables' owner cannot
-- change or delete audit rows or seals without first dropping these triggers, which only the owner may do.
-- (the body is a plain quoted literal: the migrator's statement splitter does not know dollar quotes)
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    RAISE EXCEPTION ''the audit trail is append-only: % on % refused'', TG_OP, TG_TABLE_NAME
        USING ERRCODE = ''insufficient_privilege'';
END
';
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
