package org.telehub.directory.internal;

import static org.telehub.directory.internal.Access.administrator;
import static org.telehub.directory.internal.Access.reader;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.directory.Directory;
import org.telehub.directory.Diseases;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Diseases on {@code directory_disease} and {@code directory_disease_name}; imports are {@code directory_import} rows
 * run by {@link DiseaseImports}, one at a time (one work key).
 */
@Component(service = Diseases.class)
public class DiseasesImpl implements Diseases {
    /** A code as typed: a letter, a digit, then digits, letters or a dot (E11, e11.9, S52.521A). */
    private static final Pattern CODE_QUERY = Pattern.compile("[A-Za-z][0-9][0-9A-Za-z.]{0,6}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    static final int MAX_LINES = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final WorkService work;
    private final Clock clock;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public DiseasesImpl(@Reference Database database, @Reference Directory directory, @Reference WorkService work) {
        this(database.jdbi(), work, Clock.systemUTC());
    }

    DiseasesImpl(Jdbi jdbi, WorkService work, Clock clock) {
        this.jdbi = jdbi;
        this.work = work;
        this.clock = clock;
    }

    @Override
    public List<Disease> search(AuthenticatedUser caller, String query, String language, int offset, int limit) {
        reader(caller);
        if (limit < 1 || limit > 100) {
            throw new InvalidException("limit", "Between 1 and 100");
        }
        if (offset < 0 || offset > 10_000) {
            throw new InvalidException("offset", "Between 0 and 10000");
        }
        if (query != null && query.length() > 200) {
            throw new InvalidException("q", "At most 200 characters");
        }
        String lang = Checks.blank(language);
        if (lang != null && !LANGUAGE.matcher(lang).matches()) {
            throw new InvalidException("language", "An ISO 639 code such as fa or ru");
        }
        String select = "SELECT d.code, d.name, d.billable, t.name AS translation FROM directory_disease d LEFT JOIN"
                + " directory_disease_name t ON t.code = d.code AND t.language = :lang";
        String q = query == null ? "" : query.strip();
        return jdbi.withHandle(h -> {
            var stmt = q.isEmpty()
                    ? h.createQuery(select + " ORDER BY d.code LIMIT :limit OFFSET :offset")
                    : CODE_QUERY.matcher(q).matches()
                            // the code index is on the code without its dot: E119 and E11.9 alike
                            ? h.createQuery(select + " WHERE replace(d.code, '.', '') LIKE :prefix ORDER BY d.code"
                                    + " LIMIT :limit OFFSET :offset").bind("prefix", q.replace(".", "")
                                            .toUpperCase(java.util.Locale.ROOT) + "%")
                            : words(h, select, Normaliser.prefixQuery(q));
            if (stmt == null) {
                return List.<Disease>of();
            }
            return stmt.bind("lang", lang == null ? "" : lang).bind("limit", limit).bind("offset", offset)
                    .map((rs, c) -> new Disease(rs.getString("code"), rs.getString("name"), rs.getBoolean("billable"),
                            rs.getString("translation"))).list();
        });
    }

    private static org.jdbi.v3.core.statement.Query words(Handle h, String select, String tsquery) {
        if (tsquery == null) {
            return null;
        }
        return h.createQuery(select + " WHERE d.search_vector @@ to_tsquery('simple', :q) ORDER BY d.billable DESC,"
                + " d.code LIMIT :limit OFFSET :offset").bind("q", tsquery);
    }

    @Override
    public ImportJob startImport(AuthenticatedUser caller, ImportRequest request) {
        administrator(caller, "imports diseases");
        if (request == null || request.content() == null || request.content().isBlank()) {
            throw new InvalidException("content", "Required: the file");
        }
        if (request.format() == null || !FORMATS.contains(request.format())) {
            throw new InvalidException("format", "One of " + String.join(", ", FORMATS));
        }
        String lang = Checks.blank(request.language());
        if (lang != null && !LANGUAGE.matcher(lang).matches()) {
            throw new InvalidException("language", "An ISO 639 code such as fa or ru (none: the edition itself)");
        }
        if (lang != null && !"csv".equals(request.format())) {
            throw new InvalidException("format", "Translations come as CSV (code,name)");
        }
        int total = DiseaseImports.rows(request.format(), request.content()).size();
        if (total == 0) {
            throw new UnprocessableException("content", "The file has no rows");
        }
        if (total > MAX_LINES) {
            throw new UnprocessableException("content", "At most " + MAX_LINES + " rows in one import");
        }
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO directory_import (id, kind, format, language, state, total, content,"
                    + " created_by, created_at) VALUES (:id, 'diseases', :f, :l, 'running', :t, :c, :by, :at)")
                    .bind("id", id).bind("f", request.format()).bind("l", lang).bind("t", total)
                    .bind("c", request.content()).bind("by", caller.username()).bind("at", clock.instant())
                    .execute();
            // one key: imports run one after another, in the order they were started
            work.submit(h, new WorkRequest(DiseaseImports.TOPIC, "diseases", id, null, "import:" + id));
        });
        return importJob(caller, id);
    }

    @Override
    public ImportJob importJob(AuthenticatedUser caller, String id) {
        administrator(caller, "sees imports");
        return jdbi.withHandle(h -> jobs(h, " WHERE id = :id", Map.of("id", id))).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("No import " + id));
    }

    @Override
    public List<ImportJob> importJobs(AuthenticatedUser caller) {
        administrator(caller, "sees imports");
        return jdbi.withHandle(h -> jobs(h, " ORDER BY created_at DESC LIMIT 20", Map.of()));
    }

    private static List<ImportJob> jobs(Handle h, String where, Map<String, Object> binds) {
        return h.createQuery("SELECT id, format, language, state, total, done, imported, errors::text AS errors,"
                + " created_by, created_at, finished_at FROM directory_import" + where).bindMap(binds)
                .map((rs, c) -> {
                    List<ImportError> errors;
                    try {
                        errors = JSON.readValue(rs.getString("errors"), new TypeReference<List<ImportError>>() {
                        });
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    java.sql.Timestamp finished = rs.getTimestamp("finished_at");
                    return new ImportJob(rs.getString("id"), rs.getString("format"), rs.getString("language"),
                            rs.getString("state"), rs.getInt("total"), rs.getInt("done"), rs.getInt("imported"),
                            errors, rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                            finished == null ? null : finished.toInstant());
                }).list();
    }
}
