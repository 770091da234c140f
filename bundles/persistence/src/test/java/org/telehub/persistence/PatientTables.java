package org.telehub.persistence;

import java.util.Set;
import java.util.TreeSet;

import org.jdbi.v3.core.Jdbi;

/**
 * The tables that hold patient data, read from a database's schema — the rule every patient-data contributor's test
 * holds its {@code tables()} to: a column named like {@code patient}, a name like {@code patient}, or a foreign key
 * (at any depth) to such a table (an encounter's participants, a message's attachments).
 */
public final class PatientTables {

    private PatientTables() {
    }

    public static Set<String> of(Jdbi jdbi) {
        return jdbi.withHandle(h -> {
            Set<String> tables = new TreeSet<>(h.createQuery("SELECT table_name FROM information_schema.columns"
                    + " WHERE table_schema = 'public' AND column_name LIKE '%patient%' UNION SELECT table_name"
                    + " FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE '%patient%'")
                    .mapTo(String.class).list());
            while (tables.addAll(h.createQuery("SELECT conrelid::regclass::text FROM pg_constraint WHERE contype"
                    + " = 'f' AND confrelid::regclass::text = ANY(:t)").bind("t", tables.toArray(new String[0]))
                    .mapTo(String.class).list())) {
                // until no table refers to one found so far
            }
            return tables;
        });
    }
}
