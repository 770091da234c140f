package org.telehub.directory.internal;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.directory.Directory;
import org.telehub.directory.Diseases.ImportError;
import org.telehub.domain.UnprocessableException;
import org.telehub.persistence.Database;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs a disease import (topic {@value #TOPIC}, payload the {@code directory_import} id) in slices of {@value #SLICE}
 * rows. A slice's rows, its errors and the import's new {@code done} commit in one transaction, guarded by the
 * {@code done} it started from: a node killed mid-import leaves the last committed slice as the place to resume,
 * and two runs of the same item (a lease that lapsed) never both apply a slice. When every row is read the stored
 * file is dropped.
 */
@Component(service = WorkHandler.class, property = {WorkHandler.TOPIC + "=" + DiseaseImports.TOPIC,
    WorkHandler.ORDERED + ":Boolean=true", WorkHandler.MAX_ATTEMPTS + ":Integer=" + DiseaseImports.ATTEMPTS})
public class DiseaseImports implements WorkHandler {
    public static final String TOPIC = "directory.import";
    static final int SLICE = 2_000;
    static final int ATTEMPTS = 10;
    static final int MAX_ERRORS = 100;
    /** An ICD-10 code without its dot: a letter, a digit, then one to five digits or letters (E11, S52521A). */
    private static final Pattern CODE = Pattern.compile("[A-Z][0-9][0-9A-Z]{1,5}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public DiseaseImports(@Reference Database database, @Reference Directory directory) {
        this(database.jdbi());
    }

    DiseaseImports(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One row of a file: its line, and the code, name and billable flag as given (null: missing). */
    record Row(int line, String code, String name, Boolean billable) {
    }

    /**
     * The rows of a file. {@code icd10cm-order}: the CDC's fixed-width order file (order number, code without dot,
     * 1 for a billable code and 0 for a header, short and long description; the long one is the name). {@code csv}:
     * a header naming {@code code} and {@code name}, optionally {@code billable} (true or false; true when absent).
     *
     * @throws UnprocessableException naming the cause when the file as a whole is unreadable (no such columns)
     */
    static List<Row> rows(String format, String content) {
        List<Row> out = new ArrayList<>();
        if ("icd10cm-order".equals(format)) {
            String[] lines = content.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.isBlank()) {
                    continue;
                }
                if (l.length() < 17 || l.charAt(5) != ' ' || l.charAt(13) != ' ') {
                    out.add(new Row(i + 1, null, null, null));
                    continue;
                }
                String name = l.length() > 77 ? l.substring(77).strip() : l.substring(16).strip();
                char flag = l.charAt(14);
                out.add(new Row(i + 1, l.substring(6, 13).strip(), name, flag == '1' ? Boolean.TRUE
                        : flag == '0' ? Boolean.FALSE : null));
            }
            return out;
        }
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).build().parse(new StringReader(content))) {
            Map<String, Integer> header = new java.util.HashMap<>();
            p.getHeaderMap().forEach((k, v) -> header.put(k.strip().toLowerCase(Locale.ROOT), v));
            for (String column : List.of("code", "name")) {
                if (!header.containsKey(column)) {
                    throw new UnprocessableException("content", "The header row names no '" + column + "' column");
                }
            }
            for (CSVRecord r : p) {
                String billable = cell(r, header.get("billable"));
                out.add(new Row((int) p.getCurrentLineNumber(), cell(r, header.get("code")), cell(r, header.get(
                        "name")), billable == null ? Boolean.TRUE : "true".equalsIgnoreCase(billable) ? Boolean.TRUE
                                : "false".equalsIgnoreCase(billable) ? Boolean.FALSE : null));
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            throw new UnprocessableException("content", "Not CSV with a header row: " + e.getMessage());
        }
        return out;
    }

    private static String cell(CSVRecord r, Integer column) {
        return column == null || column >= r.size() || r.get(column).isBlank() ? null : r.get(column).strip();
    }

    /** E119 and e11.9 alike: E11.9. */
    static String dotted(String code) {
        String c = code.replace(".", "").toUpperCase(Locale.ROOT);
        return c.length() > 3 ? c.substring(0, 3) + "." + c.substring(3) : c;
    }

    @Override
    public Verdict handle(WorkItem item) throws Exception {
        try {
            return run(item.payload());
        } catch (Exception e) {
            if (item.attempts() >= ATTEMPTS) {
                // the last run: the import says so instead of showing "running" for ever
                jdbi.useHandle(h -> h.createUpdate("UPDATE directory_import SET state = 'failed', content = NULL,"
                        + " finished_at = :at, errors = errors || CAST(:e AS JSONB) WHERE id = :id AND state ="
                        + " 'running'").bind("at", Instant.now()).bind("e", JSON.writeValueAsString(List.of(
                                new ImportError(0, null, "The import stopped: " + e.getMessage())))).bind("id",
                                        item.payload()).execute());
            }
            throw e;
        }
    }

    private Verdict run(String id) throws Exception {
        Optional<Map<String, Object>> job = jdbi.withHandle(h -> h.createQuery("SELECT format, language, state, done,"
                + " content FROM directory_import WHERE id = :id").bind("id", id).mapToMap().findOne());
        if (job.isEmpty() || !"running".equals(job.get().get("state")) || job.get().get("content") == null) {
            return Verdict.done();
        }
        String language = (String) job.get().get("language");
        List<Row> rows = rows((String) job.get().get("format"), (String) job.get().get("content"));
        int done = ((Number) job.get().get("done")).intValue();
        while (done < rows.size()) {
            List<Row> slice = rows.subList(done, Math.min(rows.size(), done + SLICE));
            int from = done;
            boolean applied = jdbi.inTransaction(h -> apply(h, id, language, slice, from));
            if (!applied) {
                return Verdict.done(); // another run of this item went further: it finishes the import
            }
            done += slice.size();
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE directory_import SET state = 'done', content = NULL, finished_at ="
                + " :at WHERE id = :id AND state = 'running'").bind("at", Instant.now()).bind("id", id).execute());
        return Verdict.done();
    }

    /** One slice in the caller's transaction; false when the import is no longer at {@code from}. */
    private static boolean apply(Handle h, String id, String language, List<Row> slice, int from)
            throws JsonProcessingException {
        Integer at = h.createQuery("SELECT done FROM directory_import WHERE id = :id FOR UPDATE").bind("id", id)
                .mapTo(Integer.class).findOne().orElse(null);
        if (at == null || at != from) {
            return false;
        }
        List<ImportError> errors = new ArrayList<>();
        List<Row> good = new ArrayList<>();
        for (Row r : slice) {
            String code = r.code() == null ? null : r.code().replace(".", "").toUpperCase(Locale.ROOT);
            if (code == null) {
                errors.add(new ImportError(r.line(), "code", r.name() == null && r.billable() == null
                        ? "Not a line of the order file (order number, code, 0 or 1, descriptions)" : "Required"));
            } else if (!CODE.matcher(code).matches()) {
                errors.add(new ImportError(r.line(), "code", "Not an ICD-10 code: " + r.code()));
            } else if (r.name() == null) {
                errors.add(new ImportError(r.line(), "name", "Required"));
            } else if (r.name().length() > 400) {
                errors.add(new ImportError(r.line(), "name", "At most 400 characters"));
            } else if (r.billable() == null) {
                errors.add(new ImportError(r.line(), "billable", "true or false (in the order file: 1 or 0)"));
            } else {
                good.add(new Row(r.line(), dotted(code), r.name(), r.billable()));
            }
        }
        int imported = 0;
        if (language == null && !good.isEmpty()) {
            // a renamed code keeps its translations' words
            var batch = h.prepareBatch("INSERT INTO directory_disease (code, name, billable, name_text, search_text,"
                    + " updated_at) VALUES (:code, :name, :billable, :text, :text, :at) ON CONFLICT (code) DO UPDATE"
                    + " SET name = excluded.name, billable = excluded.billable, name_text = excluded.name_text,"
                    + " search_text = excluded.name_text || coalesce(' ' || (SELECT string_agg(n.search_text, ' '"
                    + " ORDER BY n.language) FROM directory_disease_name n WHERE n.code = directory_disease.code), ''),"
                    + " updated_at = excluded.updated_at");
            Instant now = Instant.now();
            for (Row r : good) {
                batch.bind("code", r.code()).bind("name", r.name()).bind("billable", r.billable())
                        .bind("text", Normaliser.document(List.of(r.name()))).bind("at", now).add();
            }
            imported = java.util.Arrays.stream(batch.execute()).map(n -> Math.min(n, 1)).sum();
        } else if (!good.isEmpty()) {
            Set<String> known = new HashSet<>(h.createQuery("SELECT code FROM directory_disease WHERE code IN"
                    + " (<codes>)").bindList("codes", good.stream().map(Row::code).distinct().toList())
                    .mapTo(String.class).list());
            var batch = h.prepareBatch("INSERT INTO directory_disease_name (code, language, name, search_text) VALUES"
                    + " (:code, :lang, :name, :text) ON CONFLICT (code, language) DO UPDATE SET name = excluded.name,"
                    + " search_text = excluded.search_text");
            int n = 0;
            for (Row r : good) {
                if (!known.contains(r.code())) {
                    errors.add(new ImportError(r.line(), "code", "No code " + r.code() + " in the edition: import"
                            + " the edition first"));
                    continue;
                }
                batch.bind("code", r.code()).bind("lang", language).bind("name", r.name())
                        .bind("text", Normaliser.document(List.of(r.name()))).add();
                n++;
            }
            if (n > 0) {
                imported = java.util.Arrays.stream(batch.execute()).map(x -> Math.min(x, 1)).sum();
                h.createUpdate("UPDATE directory_disease d SET search_text = d.name_text || coalesce(' ' || (SELECT"
                        + " string_agg(t.search_text, ' ' ORDER BY t.language) FROM directory_disease_name t WHERE"
                        + " t.code = d.code), '') WHERE d.code IN (<codes>)").bindList("codes", good.stream()
                                .map(Row::code).filter(known::contains).distinct().toList()).execute();
            }
        }
        errors.sort(java.util.Comparator.comparingInt(ImportError::line));
        // errors beyond the first MAX_ERRORS are counted in done - imported, not listed
        h.createUpdate("UPDATE directory_import SET done = :done, imported = imported + :n, errors = CASE WHEN"
                + " jsonb_array_length(errors) >= " + MAX_ERRORS + " THEN errors ELSE COALESCE((SELECT jsonb_agg(e)"
                + " FROM (SELECT e FROM jsonb_array_elements(errors || CAST(:errors AS JSONB)) e LIMIT " + MAX_ERRORS
                + ") x), '[]') END WHERE id = :id").bind("done", from + slice.size()).bind("n", imported)
                .bind("errors", JSON.writeValueAsString(errors)).bind("id", id).execute();
        return true;
    }
}
