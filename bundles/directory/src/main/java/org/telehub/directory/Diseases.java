package org.telehub.directory;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Diseases by ICD-10 code, for diagnoses. The hub ships no code set: an administrator imports the clinic's edition,
 * the public-domain ICD-10-CM order file of the CDC ({@code icd10cm_order_<year>.txt}) or a national edition as CSV
 * ({@code code,name}), and translations of the names per language (CSV {@code code,name}). An import runs as durable
 * work in slices, so a large file shows its progress and survives a restart. Everyone signed in searches.
 *
 * @since 1.1
 */
@ProviderType
public interface Diseases {
    /** Formats of an import: the CDC's fixed-width order file, or CSV with a header naming code and name. */
    List<String> FORMATS = List.of("icd10cm-order", "csv");

    /**
     * Codes beginning with the query (dot or not: {@code E11}, {@code e11.9}), by code; or names whose words begin
     * with the query's words (the edition's names and the translations), billable codes before headers, then by code.
     * {@code language}: the translation to show beside the edition's name, if loaded.
     */
    List<Disease> search(AuthenticatedUser caller, String query, String language, int offset, int limit);

    /** An administrator starts an import; it runs in the background ({@link #importJob}). */
    ImportJob startImport(AuthenticatedUser caller, ImportRequest request);

    ImportJob importJob(AuthenticatedUser caller, String id);

    /** The latest imports, newest first. */
    List<ImportJob> importJobs(AuthenticatedUser caller);

    /** {@code translation}: the name in the requested language, when loaded. */
    record Disease(String code, String name, boolean billable, String translation) {
    }

    /**
     * {@code language} null: the edition's codes and names (a row of a code already present renames it); a
     * language code: translations of codes present (a row of an unknown code is an error of its row).
     */
    record ImportRequest(String format, String language, String content) {
    }

    /** One bad row: its line and why (at most the first 100 are kept). */
    record ImportError(int line, String field, String detail) {
    }

    /** {@code state}: running or done; {@code done} of {@code total} rows read, {@code imported} of them applied. */
    record ImportJob(String id, String format, String language, String state, int total, int done, int imported,
            List<ImportError> errors, String createdBy, Instant createdAt, Instant finishedAt) {
    }
}
