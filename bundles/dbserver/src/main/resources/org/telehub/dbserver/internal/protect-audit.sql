-- Makes the audit trail append-only for the hub's database role. Run as a superuser, connected to the hub's
-- database; idempotent. The hub's own PostgreSQL runs it at every start; with an external PostgreSQL the operator
-- runs it once (replace telehub by the role the hub logs in as): psql -U postgres -d telehub -f protect-audit.sql
--
-- Why so: the hub's role creates its tables (migrations), so it owns them, and an owner may UPDATE, DELETE, TRUNCATE
-- and drop triggers. Here the audit tables are given to telehub_audit, a role nobody logs in as and the hub's role is
-- no member of; the hub keeps SELECT and INSERT. What the hub's role can still do, as the owner of its database and
-- so of the public schema, is drop the audit tables (or the database) whole: not a quiet change but a loss, which the
-- seal file outside the database reveals (telehub:audit-verify). The tables appear only with the security bundle's
-- migration V4, after this first runs: the function below lets the hub hand them over itself at its start, and does
-- nothing else, so the hub's role gains no power by calling it. It lives in a schema of the superuser's own, which
-- bin/telehub-backup leaves out: a restore (as the hub's role) must not bring back a copy the hub would own.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'telehub_audit') THEN
        CREATE ROLE telehub_audit NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS telehub_protect AUTHORIZATION CURRENT_USER;
REVOKE ALL ON SCHEMA telehub_protect FROM PUBLIC;
GRANT USAGE ON SCHEMA telehub_protect TO telehub;
CREATE OR REPLACE FUNCTION telehub_protect.protect_audit() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    t text;
    seq text;
    done text := '';
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_event', 'audit_seal'] LOOP
        IF to_regclass('public.' || t) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE public.%I OWNER TO telehub_audit', t);
            EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, telehub', t);
            EXECUTE format('GRANT SELECT, INSERT ON public.%I TO telehub', t);
            -- the identity sequence follows the table to its new owner; reading it (pg_dump, bin/telehub-backup)
            -- stays allowed, setting it back does not
            seq := pg_get_serial_sequence('public.' || t, 'id');
            IF seq IS NOT NULL THEN
                EXECUTE format('GRANT SELECT ON SEQUENCE %s TO telehub', seq);
            END IF;
            done := done || t || ' ';
        END IF;
    END LOOP;
    -- the triggers' function too: its owner could make the second line of defence a no-op
    IF to_regprocedure('public.audit_append_only()') IS NOT NULL THEN
        ALTER FUNCTION public.audit_append_only() OWNER TO telehub_audit;
    END IF;
    RETURN trim(done);
END
$f$;
REVOKE ALL ON FUNCTION telehub_protect.protect_audit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION telehub_protect.protect_audit() TO telehub;
SELECT telehub_protect.protect_audit();
