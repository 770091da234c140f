package org.telehub.security.internal;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.Database;

/**
 * Hands the audit tables over to the {@code telehub_audit} role through {@code telehub_protect.protect_audit()}, the
 * function a superuser installed (the hub's own PostgreSQL does at every start; an external one's operator runs
 * {@code protect-audit.sql}, README). Without it the hub's role owns the tables and could change them: said at start
 * and in every verification, since the chain then only detects what it cannot prevent.
 */
final class AuditProtection {
    private static final Logger LOG = LoggerFactory.getLogger(AuditProtection.class);

    private AuditProtection() {
    }

    /** Calls the function if it is there; logs what holds. */
    static void apply(Database database) {
        try {
            database.jdbi().useHandle(h -> {
                if (h.createQuery("SELECT to_regprocedure('telehub_protect.protect_audit()') IS NOT NULL")
                        .mapTo(Boolean.class).one()) {
                    h.createQuery("SELECT telehub_protect.protect_audit()").mapTo(String.class).one();
                }
                String weak = weakness(h);
                if (weak != null) {
                    LOG.warn("{}", weak);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Cannot protect the audit tables: {}", e.toString());
        }
    }

    /** Null when the connected role may not UPDATE or DELETE audit rows; otherwise why that matters. */
    static String weakness(Handle h) {
        // CASE: the privilege functions fail on a table that is gone (the verdict says so already)
        boolean may = h.createQuery("SELECT CASE WHEN to_regclass('public.audit_event') IS NULL"
                + " OR to_regclass('public.audit_seal') IS NULL THEN false"
                + " ELSE has_table_privilege('public.audit_event', 'UPDATE')"
                + " OR has_table_privilege('public.audit_event', 'DELETE')"
                + " OR has_table_privilege('public.audit_seal', 'DELETE') END").mapTo(Boolean.class).one();
        return may ? "the hub's database role may UPDATE or DELETE audit rows: tampering is detected, not prevented"
                + " (run protect-audit.sql as a superuser, see README)" : null;
    }
}
