package org.telehub.directory.internal;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import static org.telehub.directory.internal.Access.administrator;
import static org.telehub.directory.internal.Access.clinicAdminOf;
import static org.telehub.directory.internal.Access.clinicRefs;
import static org.telehub.directory.internal.Access.mayEdit;
import static org.telehub.directory.internal.Access.ownDoctorId;
import static org.telehub.directory.internal.Access.reader;
import static org.telehub.directory.internal.Checks.blank;
import static org.telehub.directory.internal.Checks.unique;
import static org.telehub.directory.internal.Checks.optional;
import static org.telehub.directory.internal.Checks.required;

import org.telehub.directory.Directory;
import org.telehub.directory.Insurance;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.persistence.Database;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The directory on its {@code directory_*} tables. Doctors are core-encounter's ({@code encounter_doctor}, read
 * here, never written); each gets a profile row the first time the directory sees it ({@link #sync}), with its
 * free-text clinic as a clinic of the directory.
 */
@Component(service = Directory.class)
public class DirectoryImpl implements Directory {
    static final int MAX_IMPORT_ROWS = 50_000;
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** ATC at any of its five levels: A, A01, A01A, A01AA, A01AA01. */
    private static final Pattern ATC = Pattern.compile("[A-Z](\\d{2}([A-Z]([A-Z](\\d{2})?)?)?)?");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SYNC_MILLIS = 5_000;

    private final Jdbi jdbi;
    private final EncounterService encounters;
    private final PeopleService people;
    private final AuditLog audit;
    private final Clock clock;
    private volatile long syncedAt;

    @Activate
    public DirectoryImpl(@Reference Database database, @Reference EncounterService encounters,
            @Reference PeopleService people, @Reference AuditLog audit) {
        this(migrated(database), encounters, people, audit, Clock.systemUTC());
    }

    DirectoryImpl(Jdbi jdbi, EncounterService encounters, PeopleService people, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.encounters = encounters;
        this.people = people;
        this.audit = audit;
        this.clock = clock;
    }

    private static Jdbi migrated(Database database) {
        database.migrate("directory", FrameworkUtil.getBundle(DirectoryImpl.class), "db/migration/directory");
        return database.jdbi();
    }

    // ---- specialities

    @Override
    public List<Speciality> specialities(AuthenticatedUser caller) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT code, name_en, name_fa, name_ru FROM directory_speciality ORDER BY name_en")
                .map((rs, c) -> new Speciality(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list());
    }

    @Override
    public Speciality putSpeciality(AuthenticatedUser caller, Speciality s) {
        administrator(caller, "keeps the list of specialities");
        if (s == null) {
            throw new InvalidException("body", "Required: {code, nameEn, nameFa, nameRu}");
        }
        if (s.code() == null || !CODE.matcher(s.code()).matches()) {
            throw new InvalidException("code", "1 to 40 of a-z, 0-9 and '-', beginning with a letter or digit");
        }
        String en = required("nameEn", s.nameEn(), 200);
        String fa = optional("nameFa", s.nameFa(), 200);
        String ru = optional("nameRu", s.nameRu(), 200);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO directory_speciality (code, name_en, name_fa, name_ru) VALUES (:c, :en, :fa,"
                    + " :ru) ON CONFLICT (code) DO UPDATE SET name_en = :en, name_fa = :fa, name_ru = :ru")
                    .bind("c", s.code()).bind("en", en).bind("fa", fa).bind("ru", ru).execute();
            reindex(h, h.createQuery("SELECT doctor_id FROM directory_doctor_speciality WHERE code = :c")
                    .bind("c", s.code()).mapTo(String.class).list());
        });
        return new Speciality(s.code(), en, fa, ru);
    }

    // ---- clinics

    @Override
    public List<Clinic> clinics(AuthenticatedUser caller) {
        reader(caller);
        sync();
        return jdbi.withHandle(h -> h.createQuery(CLINIC_SELECT + " ORDER BY c.name").map(DirectoryImpl::clinicRow)
                .list());
    }

    private static final String CLINIC_SELECT = "SELECT c.id, c.name, c.address, c.time_zone, c.phone, c.email,"
            + " c.public_profiles, c.updated_at, c.opening_hours::text AS opening_hours, c.logo_file, (SELECT count(*) FROM directory_clinic_doctor m WHERE m.clinic_id ="
            + " c.id) AS doctors FROM directory_clinic c";

    private static Clinic clinicRow(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext c)
            throws java.sql.SQLException {
        return new Clinic(rs.getString("id"), rs.getString("name"), rs.getString("address"), rs.getString("time_zone"),
                rs.getString("phone"), rs.getString("email"), rs.getBoolean("public_profiles"), rs.getInt("doctors"),
                rs.getTimestamp("updated_at").toInstant(), openingHours(rs.getString("opening_hours")),
                rs.getString("logo_file"));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value == null ? Map.of() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<Hours>> openingHours(String json) {
        try {
            Map<String, List<Hours>> raw = JSON.readValue(json, new TypeReference<Map<String, List<Hours>>>() {
            });
            Map<String, List<Hours>> out = new LinkedHashMap<>();
            WEEKDAYS.stream().filter(raw::containsKey).forEach(d -> out.put(d, raw.get(d)));
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d|24:00");

    /** Weekdays only, HH:mm ranges in order without overlap, at most 4 a day; an empty day is dropped (closed). */
    static Map<String, List<Hours>> checkedHours(Map<String, List<Hours>> in) {
        Map<String, List<Hours>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Hours>> e : in.entrySet()) {
            if (!WEEKDAYS.contains(e.getKey())) {
                throw new InvalidException("openingHours." + e.getKey(), "Not a weekday: one of "
                        + String.join(", ", WEEKDAYS));
            }
        }
        for (String day : WEEKDAYS) {
            List<Hours> ranges = in.get(day);
            if (ranges == null || ranges.isEmpty()) {
                continue;
            }
            if (ranges.size() > 4) {
                throw new InvalidException("openingHours." + day, "At most 4 ranges a day");
            }
            String previousEnd = null;
            for (int i = 0; i < ranges.size(); i++) {
                Hours r = ranges.get(i);
                String field = "openingHours." + day + "[" + i + "]";
                if (r == null || r.start() == null || !TIME.matcher(r.start()).matches() || r.start().equals("24:00")) {
                    throw new InvalidException(field + ".start", "A time HH:mm, 00:00 to 23:59");
                }
                if (r.end() == null || !TIME.matcher(r.end()).matches()) {
                    throw new InvalidException(field + ".end", "A time HH:mm, 00:01 to 24:00");
                }
                if (r.end().compareTo(r.start()) <= 0) {
                    throw new InvalidException(field + ".end", "After the start (" + r.start() + ")");
                }
                if (previousEnd != null && r.start().compareTo(previousEnd) < 0) {
                    throw new InvalidException(field + ".start", "Overlaps the range before it (to " + previousEnd
                            + "): ranges in order");
                }
                previousEnd = r.end();
            }
            out.put(day, List.copyOf(ranges));
        }
        return out;
    }

    @Override
    public Clinic clinic(AuthenticatedUser caller, String id) {
        reader(caller);
        return jdbi.withHandle(h -> findClinic(h, id));
    }

    private static Clinic findClinic(Handle h, String id) {
        return h.createQuery(CLINIC_SELECT + " WHERE c.id = :id").bind("id", id).map(DirectoryImpl::clinicRow)
                .findOne().orElseThrow(() -> new NotFoundException("No clinic " + id));
    }

    @Override
    public Clinic createClinic(AuthenticatedUser caller, ClinicInput in) {
        administrator(caller, "creates clinics");
        ClinicInput v = clinicInput(in);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            unique(() -> {
                h.createUpdate("INSERT INTO directory_clinic (id, name, address, time_zone, phone, email,"
                        + " public_profiles, opening_hours, created_at, updated_at) VALUES (:id, :name, :address, :tz,"
                        + " :phone, :email, :pub, CAST(:hours AS JSONB), :now, :now)").bind("id", id)
                        .bind("name", v.name()).bind("address", v.address()).bind("tz", v.timeZone())
                        .bind("phone", v.phone()).bind("email", v.email())
                        .bind("pub", Boolean.TRUE.equals(v.publicProfiles())).bind("hours", json(v.openingHours()))
                        .bind("now", now).execute();
            }, () -> new ConflictException("Clinic exists", "A clinic is already named " + v.name(), "name",
                            Map.of()));
            return findClinic(h, id);
        });
    }

    @Override
    public Clinic updateClinic(AuthenticatedUser caller, String id, ClinicInput in) {
        reader(caller);
        if (!caller.hasRole(Roles.ADMIN) && !caller.hasRole(Roles.CLINIC_ADMIN)) {
            throw new ForbiddenException("Only an administrator or the clinic's administrator edits a clinic");
        }
        ClinicInput v = clinicInput(in);
        return jdbi.inTransaction(h -> {
            Clinic old = findClinic(h, id);
            if (!caller.hasRole(Roles.ADMIN) && !clinicAdminOf(caller, old.name())) {
                throw new ForbiddenException("You administer another clinic");
            }
            if (!caller.hasRole(Roles.ADMIN) && !old.name().equals(v.name())) {
                // a clinic administrator's role is scoped by the clinic's name
                throw new ForbiddenException("Forbidden", "Only an administrator renames a clinic", "name", Map.of());
            }
            unique(() -> {
                h.createUpdate("UPDATE directory_clinic SET name = :name, address = :address, time_zone = :tz,"
                        + " phone = :phone, email = :email, public_profiles = :pub, opening_hours = CAST(:hours AS"
                        + " JSONB), updated_at = :now WHERE id = :id").bind("id", id).bind("name", v.name())
                        .bind("address", v.address()).bind("tz", v.timeZone()).bind("phone", v.phone())
                        .bind("email", v.email()).bind("pub", Boolean.TRUE.equals(v.publicProfiles()))
                        .bind("hours", json(v.openingHours() == null ? old.openingHours() : v.openingHours()))
                        .bind("now", clock.instant()).execute();
            }, () -> new ConflictException("Clinic exists", "A clinic is already named " + v.name(), "name",
                            Map.of()));
            if (!old.name().equals(v.name())) {
                reindex(h, h.createQuery("SELECT doctor_id FROM directory_clinic_doctor WHERE clinic_id = :id")
                        .bind("id", id).mapTo(String.class).list());
            }
            return findClinic(h, id);
        });
    }

    private static ClinicInput clinicInput(ClinicInput in) {
        if (in == null) {
            throw new InvalidException("body", "Required: {name, address, timeZone, phone, email, publicProfiles}");
        }
        String tz = optional("timeZone", in.timeZone(), 64);
        if (tz != null) {
            try {
                ZoneId.of(tz);
            } catch (RuntimeException e) {
                throw new InvalidException("timeZone", "Not a time zone: " + tz + " (e.g. Asia/Tehran)");
            }
        }
        String email = optional("email", in.email(), 254);
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new InvalidException("email", "Not an email address");
        }
        String phone = optional("phone", in.phone(), 32);
        if (phone != null && !phone.matches("\\+?[0-9 ()-]{3,32}")) {
            throw new InvalidException("phone", "Digits, spaces, '+', '(', ')' and '-' only");
        }
        return new ClinicInput(required("name", in.name(), 200), optional("address", in.address(), 500), tz, phone,
                email, in.publicProfiles(), in.openingHours() == null ? null : checkedHours(in.openingHours()));
    }

    // ---- profiles and their search

    /**
     * Gives every doctor core-encounter has a profile, and their free-text clinic a clinic: at most every 5 s, before
     * a read (a doctor is created by the encounter module without telling the directory).
     */
    void sync() {
        long now = System.currentTimeMillis();
        if (now - syncedAt < SYNC_MILLIS) {
            return;
        }
        syncNow();
    }

    /**
     * A doctor the directory has no profile of yet, though core-encounter has them (created within the last 5 s):
     * sync now; false when there is no such doctor at all.
     */
    private boolean syncFor(Handle h, String doctorId) {
        if (!h.createQuery("SELECT EXISTS (SELECT 1 FROM encounter_doctor WHERE id = :d)").bind("d", doctorId)
                .mapTo(Boolean.class).one()) {
            return false;
        }
        syncNow();
        return true;
    }

    private void syncNow() {
        long now = System.currentTimeMillis();
        syncProfiles(jdbi, clock.instant());
        syncedAt = now;
    }

    /**
     * Gives every doctor core-encounter has and the directory has not yet a profile, and their free-text clinic a
     * clinic of the directory: before reads, and from {@link NextSlots} (an event of a doctor new to the directory,
     * its sweep); concurrent runs insert each row once (ON CONFLICT).
     */
    static void syncProfiles(Jdbi jdbi, Instant at) {
        jdbi.useTransaction(h -> {
            List<Map<String, Object>> missing = h.createQuery("SELECT d.id, d.clinic FROM encounter_doctor d WHERE"
                    + " NOT EXISTS (SELECT 1 FROM directory_profile p WHERE p.doctor_id = d.id)").mapToMap().list();
            if (missing.isEmpty()) {
                return;
            }
            for (Map<String, Object> d : missing) {
                String id = (String) d.get("id");
                h.createUpdate("INSERT INTO directory_profile (doctor_id, search_text, updated_at) VALUES (:id, '',"
                        + " :at) ON CONFLICT DO NOTHING").bind("id", id).bind("at", at).execute();
                String clinic = (String) d.get("clinic");
                if (clinic != null && !clinic.isBlank()) {
                    h.createUpdate("INSERT INTO directory_clinic (id, name, created_at, updated_at) VALUES (:cid,"
                            + " :name, :at, :at) ON CONFLICT (name) DO NOTHING").bind("cid",
                                    UUID.randomUUID().toString()).bind("name", clinic.strip()).bind("at", at).execute();
                    h.createUpdate("INSERT INTO directory_clinic_doctor (clinic_id, doctor_id) SELECT id, :d FROM"
                            + " directory_clinic WHERE name = :name ON CONFLICT DO NOTHING").bind("d", id)
                            .bind("name", clinic.strip()).execute();
                }
            }
            reindex(h, missing.stream().map(m -> (String) m.get("id")).toList());
        });
    }

    /** Recomputes {@code search_text} of these doctors: name, free-text speciality, specialities, clinics. */
    static void reindex(Handle h, List<String> doctorIds) {
        if (doctorIds.isEmpty()) {
            return;
        }
        Map<String, List<String>> words = new LinkedHashMap<>();
        h.createQuery("SELECT id, display_name, speciality FROM encounter_doctor WHERE id IN (<ids>)")
                .bindList("ids", doctorIds).mapToMap().forEach(m -> words.computeIfAbsent((String) m.get("id"),
                        k -> new ArrayList<>()).addAll(java.util.Arrays.asList((String) m.get("display_name"),
                                (String) m.get("speciality"))));
        h.createQuery("SELECT ds.doctor_id, s.name_en, s.name_fa, s.name_ru FROM directory_doctor_speciality ds JOIN"
                + " directory_speciality s ON s.code = ds.code WHERE ds.doctor_id IN (<ids>)").bindList("ids",
                        doctorIds).mapToMap().forEach(m -> words.computeIfAbsent((String) m.get("doctor_id"),
                                k -> new ArrayList<>()).addAll(java.util.Arrays.asList((String) m.get("name_en"),
                                        (String) m.get("name_fa"), (String) m.get("name_ru"))));
        h.createQuery("SELECT m.doctor_id, c.name FROM directory_clinic_doctor m JOIN directory_clinic c ON c.id ="
                + " m.clinic_id WHERE m.doctor_id IN (<ids>)").bindList("ids", doctorIds).mapToMap()
                .forEach(m -> words.computeIfAbsent((String) m.get("doctor_id"), k -> new ArrayList<>())
                        .add((String) m.get("name")));
        var batch = h.prepareBatch("UPDATE directory_profile SET search_text = :t WHERE doctor_id = :id");
        words.forEach((id, ws) -> batch.bind("t", Normaliser.document(ws.stream()
                .filter(java.util.Objects::nonNull).toList())).bind("id", id).add());
        batch.execute();
    }

    private static final String PROFILE_SELECT = "SELECT d.id, d.display_name, d.time_zone, d.speciality, p.bio,"
            + " p.qualifications, p.licence, p.languages, p.visit_types::text AS visit_types, p.rating_count,"
            + " p.rating_sum, p.updated_at, p.next_free_slot, p.photo_file FROM directory_profile p JOIN encounter_doctor d ON d.id = p.doctor_id";

    @Override
    public SearchPage search(AuthenticatedUser caller, Search s) {
        reader(caller);
        sync();
        int limit = s == null ? 20 : s.limit();
        int offset = s == null ? 0 : s.offset();
        if (limit < 1 || limit > 100) {
            throw new InvalidException("limit", "Between 1 and 100");
        }
        if (offset < 0 || offset > 10_000) {
            throw new InvalidException("offset", "Between 0 and 10000");
        }
        StringBuilder sql = new StringBuilder(PROFILE_SELECT).append(" WHERE TRUE");
        Map<String, Object> binds = new LinkedHashMap<>();
        if (s != null) {
            String q = s.q() == null ? null : Normaliser.prefixQuery(s.q());
            if (s.q() != null && s.q().length() > 200) {
                throw new InvalidException("q", "At most 200 characters");
            }
            if (q != null) {
                sql.append(" AND p.search_vector @@ to_tsquery('simple', :q)");
                binds.put("q", q);
            }
            if (blank(s.speciality()) != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM directory_doctor_speciality ds WHERE ds.doctor_id ="
                        + " p.doctor_id AND ds.code = :spec)");
                binds.put("spec", s.speciality());
            }
            if (blank(s.clinicId()) != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM directory_clinic_doctor m WHERE m.doctor_id = p.doctor_id"
                        + " AND m.clinic_id = :clinic)");
                binds.put("clinic", s.clinicId());
            }
            if (blank(s.language()) != null) {
                if (!LANGUAGE.matcher(s.language()).matches()) {
                    throw new InvalidException("language", "An ISO 639 code such as en, fa or ru");
                }
                sql.append(" AND p.languages @> ARRAY[CAST(:lang AS VARCHAR(8))]");
                binds.put("lang", s.language());
            }
            if (s.minRating() != null) {
                if (s.minRating() < 1 || s.minRating() > 5) {
                    throw new InvalidException("minRating", "Between 1 and 5");
                }
                sql.append(" AND p.rating_count > 0 AND p.rating_sum >= :minRating * p.rating_count");
                binds.put("minRating", s.minRating());
            }
            if (blank(s.visitType()) != null) {
                if (!VISIT_TYPES.contains(s.visitType())) {
                    throw new InvalidException("visitType", "One of " + String.join(", ", VISIT_TYPES));
                }
                sql.append(" AND p.visit_types @> CAST(:vt AS JSONB)");
                binds.put("vt", "[{\"type\":\"" + s.visitType() + "\"}]");
            }
            if (blank(s.planId()) != null) {
                sql.append(" AND (EXISTS (SELECT 1 FROM directory_doctor_plan dp WHERE dp.doctor_id = p.doctor_id"
                        + " AND dp.plan_id = :plan) OR EXISTS (SELECT 1 FROM directory_clinic_doctor m JOIN"
                        + " directory_clinic_plan cp ON cp.clinic_id = m.clinic_id WHERE m.doctor_id = p.doctor_id"
                        + " AND cp.plan_id = :plan))");
                binds.put("plan", s.planId());
            }
            if (s.freeBefore() != null) {
                // a slot already past is stale (the sweep renews it within a minute): not shown as free
                sql.append(" AND p.next_free_slot >= :now AND p.next_free_slot < :freeBefore");
                binds.put("now", clock.instant());
                binds.put("freeBefore", s.freeBefore());
            }
        }
        sql.append(" ORDER BY CASE WHEN p.rating_count = 0 THEN 0 ELSE p.rating_sum::float / p.rating_count END"
                + " DESC, d.display_name, d.id LIMIT :limit OFFSET :offset");
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString()).bindMap(binds).bind("limit", limit + 1).bind("offset", offset);
            List<Map<String, Object>> rows = query.mapToMap().list();
            boolean more = rows.size() > limit;
            List<Map<String, Object>> page = more ? rows.subList(0, limit) : rows;
            return new SearchPage(profiles(h, caller, page), more);
        });
    }

    private List<Profile> profiles(Handle h, AuthenticatedUser caller, List<Map<String, Object>> rows) {
        List<String> ids = rows.stream().map(r -> (String) r.get("id")).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> specs = new LinkedHashMap<>();
        h.createQuery("SELECT doctor_id, code FROM directory_doctor_speciality WHERE doctor_id IN (<ids>) ORDER BY"
                + " code").bindList("ids", ids).mapToMap().forEach(m -> specs.computeIfAbsent(
                        (String) m.get("doctor_id"), k -> new ArrayList<>()).add((String) m.get("code")));
        Map<String, List<ClinicRef>> clinics = clinicRefs(h, ids);
        String own = caller == null ? null : ownDoctorId(h, caller);
        Map<String, List<Insurance.PlanRef>> plans = InsuranceImpl.acceptedPlans(h, ids);
        String patient = caller == null ? null : Access.ownPatientId(h, caller);
        Set<String> validPlans = patient == null ? Set.of() : InsuranceImpl.validPlans(h, patient,
                clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
        Set<String> followed = patient == null ? Set.of() : Set.copyOf(h.createQuery("SELECT doctor_id FROM"
                + " directory_follow WHERE patient_id = :p AND doctor_id IN (<ids>)").bind("p", patient)
                .bindList("ids", ids).mapTo(String.class).list());
        List<Profile> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String id = (String) r.get("id");
            int count = ((Number) r.get("rating_count")).intValue();
            int sum = ((Number) r.get("rating_sum")).intValue();
            Object langs = r.get("languages");
            List<String> languages = new ArrayList<>();
            try {
                if (langs instanceof java.sql.Array a) {
                    for (Object o : (Object[]) a.getArray()) {
                        languages.add((String) o);
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            List<VisitType> visitTypes;
            try {
                visitTypes = JSON.readValue((String) r.get("visit_types"), new TypeReference<List<VisitType>>() {
                });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.add(new Profile(id, (String) r.get("display_name"), (String) r.get("time_zone"),
                    specs.getOrDefault(id, List.of()), (String) r.get("speciality"), clinics.getOrDefault(id,
                            List.of()), languages, (String) r.get("bio"), (String) r.get("qualifications"),
                    (String) r.get("licence"), visitTypes, count == 0 ? null : Math.round(sum * 10.0 / count) / 10.0,
                    count, caller != null && mayEdit(caller, id, own, clinics.getOrDefault(id, List.of())),
                    ((java.sql.Timestamp) r.get("updated_at")).toInstant(), plans.getOrDefault(id, List.of()),
                    r.get("next_free_slot") == null ? null : ((java.sql.Timestamp) r.get("next_free_slot")).toInstant(),
                    validPlans.isEmpty() ? null : plans.getOrDefault(id, List.of()).stream()
                            .anyMatch(pl -> validPlans.contains(pl.id())), followed.contains(id),
                    (String) r.get("photo_file")));
        }
        return out;
    }

    @Override
    public Profile profile(AuthenticatedUser caller, String doctorId) {
        if (caller != null) {
            reader(caller);
        }
        sync();
        return jdbi.withHandle(h -> {
            if (caller == null && !h.createQuery("SELECT EXISTS (SELECT 1 FROM directory_clinic_doctor m JOIN"
                    + " directory_clinic c ON c.id = m.clinic_id WHERE m.doctor_id = :id AND c.public_profiles)")
                    .bind("id", doctorId).mapTo(Boolean.class).one()) {
                // unpublished and absent look alike to the public: 404 either way
                throw new NotFoundException("No public profile of doctor " + doctorId + ": sign in to see it");
            }
            return loadProfile(h, caller, doctorId);
        });
    }

    @Override
    public Profile ownProfile(AuthenticatedUser caller) {
        reader(caller);
        if (!caller.hasRole(Roles.DOCTOR)) {
            throw new ForbiddenException("Only a doctor has a profile of their own");
        }
        sync();
        return jdbi.withHandle(h -> {
            String own = ownDoctorId(h, caller);
            if (own == null) {
                throw new NotFoundException("No doctor record is linked to your account: ask an administrator");
            }
            return loadProfile(h, caller, own);
        });
    }

    private Profile loadProfile(Handle h, AuthenticatedUser caller, String doctorId) {
        List<Map<String, Object>> rows = h.createQuery(PROFILE_SELECT + " WHERE p.doctor_id = :id")
                .bind("id", doctorId).mapToMap().list();
        if (rows.isEmpty() && syncFor(h, doctorId)) {
            rows = h.createQuery(PROFILE_SELECT + " WHERE p.doctor_id = :id").bind("id", doctorId).mapToMap().list();
        }
        if (rows.isEmpty()) {
            throw new NotFoundException("No doctor " + doctorId);
        }
        return profiles(h, caller, rows).get(0);
    }

    @Override
    public Profile updateProfile(AuthenticatedUser caller, String doctorId, ProfileInput in) {
        reader(caller);
        sync();
        if (in == null) {
            throw new InvalidException("body", "Required: the profile's fields");
        }
        List<String> specialities = distinct(in.specialities());
        List<String> languages = new ArrayList<>(new LinkedHashSet<>(in.languages() == null ? List.of()
                : in.languages().stream().filter(java.util.Objects::nonNull).map(String::strip)
                        .filter(l -> !l.isEmpty()).toList())); // the doctor's order: the first is their first language
        if (specialities.size() > 10) {
            throw new InvalidException("specialities", "At most 10");
        }
        if (languages.size() > 20) {
            throw new InvalidException("languages", "At most 20");
        }
        for (String l : languages) {
            if (!LANGUAGE.matcher(l).matches()) {
                throw new InvalidException("languages", "Not an ISO 639 code: " + l + " (e.g. en, fa, ru)");
            }
        }
        List<VisitType> types = in.visitTypes() == null ? List.of() : in.visitTypes();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < types.size(); i++) {
            VisitType t = types.get(i);
            String f = "visitTypes[" + i + "]";
            if (t == null || t.type() == null || !VISIT_TYPES.contains(t.type())) {
                throw new InvalidException(f + ".type", "One of " + String.join(", ", VISIT_TYPES));
            }
            if (!seen.add(t.type())) {
                throw new InvalidException(f + ".type", "Listed twice: " + t.type());
            }
            if (t.fee() != null && (t.fee().signum() < 0 || t.fee().scale() > 2
                    || t.fee().compareTo(new BigDecimal("1000000")) >= 0)) {
                throw new InvalidException(f + ".fee", "From 0 to 999999.99, at most two decimals");
            }
            if (t.fee() != null && (t.currency() == null || !CURRENCY.matcher(t.currency()).matches())) {
                throw new InvalidException(f + ".currency", "An ISO 4217 code such as EUR or IRR, with a fee");
            }
        }
        String bio = optional("bio", in.bio(), 4000);
        String qualifications = optional("qualifications", in.qualifications(), 2000);
        String licence = optional("licence", in.licence(), 100);
        String visitTypes;
        try {
            visitTypes = JSON.writeValueAsString(types);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT count(*) FROM directory_profile WHERE doctor_id = :id").bind("id", doctorId)
                    .mapTo(Integer.class).one() == 0) {
                throw new NotFoundException("No doctor " + doctorId);
            }
            if (!mayEdit(h, caller, doctorId)) {
                throw new ForbiddenException("Only the doctor, their clinic's administrator or an administrator"
                        + " edits this profile");
            }
            if (!specialities.isEmpty()) {
                List<String> known = h.createQuery("SELECT code FROM directory_speciality WHERE code IN (<c>)")
                        .bindList("c", specialities).mapTo(String.class).list();
                for (String c : specialities) {
                    if (!known.contains(c)) {
                        throw new UnprocessableException("specialities", "Unknown speciality code: " + c);
                    }
                }
            }
            if (in.clinicIds() != null) {
                if (!caller.hasRole(Roles.ADMIN)) {
                    throw new ForbiddenException("Forbidden", "Only an administrator changes a doctor's clinics",
                            "clinicIds", Map.of());
                }
                List<String> clinicIds = distinct(in.clinicIds());
                if (!clinicIds.isEmpty()) {
                    List<String> known = h.createQuery("SELECT id FROM directory_clinic WHERE id IN (<c>)")
                            .bindList("c", clinicIds).mapTo(String.class).list();
                    for (String c : clinicIds) {
                        if (!known.contains(c)) {
                            throw new UnprocessableException("clinicIds", "Unknown clinic: " + c);
                        }
                    }
                }
                leavesNoHours(h, doctorId, clinicIds);
                h.createUpdate("DELETE FROM directory_clinic_doctor WHERE doctor_id = :id").bind("id", doctorId)
                        .execute();
                for (String c : clinicIds) {
                    h.createUpdate("INSERT INTO directory_clinic_doctor (clinic_id, doctor_id) VALUES (:c, :d)")
                            .bind("c", c).bind("d", doctorId).execute();
                }
            }
            h.createUpdate("UPDATE directory_profile SET bio = :bio, qualifications = :q, licence = :lic,"
                    + " languages = CAST(:langs AS VARCHAR(8)[]), visit_types = CAST(:vt AS JSONB), updated_at = :now"
                    + " WHERE doctor_id = :id").bind("bio", bio).bind("q", qualifications).bind("lic", licence)
                    .bind("langs", "{" + String.join(",", languages) + "}").bind("vt", visitTypes)
                    .bind("now", clock.instant()).bind("id", doctorId).execute();
            h.createUpdate("DELETE FROM directory_doctor_speciality WHERE doctor_id = :id").bind("id", doctorId)
                    .execute();
            for (String c : specialities) {
                h.createUpdate("INSERT INTO directory_doctor_speciality (code, doctor_id) VALUES (:c, :d)")
                        .bind("c", c).bind("d", doctorId).execute();
            }
            reindex(h, List.of(doctorId));
            return loadProfile(h, caller, doctorId);
        });
    }

    /**
     * A doctor leaves a clinic only without working hours there (core-encounter's, which name the clinic): else the
     * clinic's patients could still book them at a clinic that no longer lists them. 409 naming the clinic.
     */
    private static void leavesNoHours(Handle h, String doctorId, List<String> staying) {
        List<String> left = h.createQuery("SELECT c.name FROM directory_clinic_doctor m JOIN directory_clinic c ON"
                + " c.id = m.clinic_id WHERE m.doctor_id = :d AND (EXISTS (SELECT 1 FROM encounter_doctor_hours w"
                + " WHERE w.doctor_id = m.doctor_id AND w.clinic_id = m.clinic_id) OR EXISTS (SELECT 1 FROM"
                + " encounter_doctor_exception x WHERE x.doctor_id = m.doctor_id AND x.clinic_id = m.clinic_id"
                + " AND x.local_date >= CURRENT_DATE - 1)) AND m.clinic_id NOT IN (<keep>) ORDER BY c.name")
                .bind("d", doctorId).bindList("keep", staying.isEmpty() ? List.of("") : staying)
                .mapTo(String.class).list();
        if (!left.isEmpty()) {
            throw new ConflictException("Working hours at the clinic", "The doctor still has working hours at "
                    + String.join(", ", left) + "; they (or an administrator) take them off first", "clinicIds",
                    Map.of("clinics", left));
        }
    }

    // ---- reviews

    @Override
    public Review review(AuthenticatedUser caller, String doctorId, ReviewInput in) {
        reader(caller);
        if (!caller.hasRole(Roles.PATIENT)) {
            throw new ForbiddenException("Only the patient of a completed visit reviews its doctor");
        }
        if (in == null) {
            throw new InvalidException("body", "Required: {encounterId, rating, text}");
        }
        String encounterId = required("encounterId", in.encounterId(), 36);
        if (in.rating() == null || in.rating() < 1 || in.rating() > 5) {
            throw new InvalidException("rating", "From 1 to 5");
        }
        String text = optional("text", in.text(), 2000);
        EncounterDetails visit;
        try {
            visit = encounters.get(caller, encounterId);
        } catch (NotFoundException | ForbiddenException e) {
            throw new UnprocessableException("encounterId", "You had no visit " + encounterId);
        }
        PeopleService.Patient me = people.patient(caller, visit.patientId());
        if (!caller.username().equals(me.username())) {
            throw new UnprocessableException("encounterId", "You were not the patient of visit " + encounterId);
        }
        if (!visit.doctorId().equals(doctorId)) {
            throw new UnprocessableException("encounterId", "Visit " + encounterId + " was with another doctor");
        }
        if (!EncounterService.COMPLETED.equals(visit.status())) {
            throw new UnprocessableException("encounterId", "Visit " + encounterId + " is " + visit.status()
                    + ": a doctor is reviewed after a completed visit");
        }
        sync();
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        String author = shortName(me.displayName());
        return jdbi.inTransaction(h -> {
            int inserted = h.createUpdate("INSERT INTO directory_review (id, encounter_id, doctor_id, patient_id,"
                    + " author_name, rating, text, created_at) VALUES (:id, :enc, :doc, :pat, :author, :rating, :text,"
                    + " :now) ON CONFLICT (encounter_id) DO NOTHING").bind("id", id).bind("enc", encounterId)
                    .bind("doc", doctorId).bind("pat", visit.patientId()).bind("author", author)
                    .bind("rating", in.rating()).bind("text", text).bind("now", now).execute();
            if (inserted == 0) {
                throw new ConflictException("Already reviewed", "Visit " + encounterId + " has been reviewed",
                        "encounterId", Map.of());
            }
            h.createUpdate("UPDATE directory_profile SET rating_count = rating_count + 1, rating_sum = rating_sum +"
                    + " :r WHERE doctor_id = :doc").bind("r", in.rating()).bind("doc", doctorId).execute();
            audit.record(h, caller, "directory.review", visit.patientId(), List.of(), "ok");
            return new Review(id, doctorId, encounterId, author, in.rating(), text, false, null, now);
        });
    }

    /** "Amy Pond" → "Amy P.": a review shows who wrote it without naming a doctor's patient in full. */
    static String shortName(String displayName) {
        String[] parts = displayName == null ? new String[0] : displayName.strip().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            return "—";
        }
        return parts.length == 1 ? parts[0] : parts[0] + " " + parts[parts.length - 1].codePoints().limit(1)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + ".";
    }

    @Override
    public List<Review> reviews(AuthenticatedUser caller, String doctorId, int offset, int limit) {
        reader(caller);
        if (limit < 1 || limit > 100) {
            throw new InvalidException("limit", "Between 1 and 100");
        }
        if (offset < 0) {
            throw new InvalidException("offset", "0 or more");
        }
        boolean moderator = caller.hasRole(Roles.ADMIN);
        return jdbi.withHandle(h -> {
            if (h.createQuery("SELECT count(*) FROM encounter_doctor WHERE id = :id").bind("id", doctorId)
                    .mapTo(Integer.class).one() == 0) {
                throw new NotFoundException("No doctor " + doctorId);
            }
            return h.createQuery("SELECT * FROM directory_review WHERE doctor_id = :d" + (moderator ? ""
                    : " AND NOT hidden") + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                    .bind("d", doctorId).bind("limit", limit).bind("offset", offset)
                    .map((rs, c) -> reviewRow(rs, moderator)).list();
        });
    }

    private static Review reviewRow(java.sql.ResultSet rs, boolean moderator) throws java.sql.SQLException {
        return new Review(rs.getString("id"), rs.getString("doctor_id"), moderator ? rs.getString("encounter_id")
                : null, rs.getString("author_name"), rs.getInt("rating"), rs.getString("text"),
                rs.getBoolean("hidden"), moderator ? rs.getString("hidden_reason") : null,
                rs.getTimestamp("created_at").toInstant());
    }

    @Override
    public Review moderate(AuthenticatedUser caller, String reviewId, Moderation m) {
        administrator(caller, "moderates reviews");
        if (m == null || m.hidden() == null) {
            throw new InvalidException("hidden", "Required: true to hide, false to show");
        }
        String reason = optional("reason", m.reason(), 500);
        if (m.hidden() && reason == null) {
            throw new InvalidException("reason", "Required to hide a review: say why");
        }
        return jdbi.inTransaction(h -> {
            Review r = h.createQuery("SELECT * FROM directory_review WHERE id = :id FOR UPDATE").bind("id", reviewId)
                    .map((rs, c) -> reviewRow(rs, true)).findOne()
                    .orElseThrow(() -> new NotFoundException("No review " + reviewId));
            if (r.hidden() != m.hidden()) {
                int sign = m.hidden() ? -1 : 1;
                h.createUpdate("UPDATE directory_profile SET rating_count = rating_count + :s, rating_sum = rating_sum"
                        + " + :r WHERE doctor_id = :d").bind("s", sign).bind("r", sign * r.rating())
                        .bind("d", r.doctorId()).execute();
            }
            h.createUpdate("UPDATE directory_review SET hidden = :h, hidden_reason = :reason, moderated_by = :by,"
                    + " moderated_at = :now WHERE id = :id").bind("h", m.hidden()).bind("reason", m.hidden() ? reason
                            : null).bind("by", caller.username()).bind("now", clock.instant()).bind("id", reviewId)
                    .execute();
            String patient = h.createQuery("SELECT patient_id FROM directory_review WHERE id = :id").bind("id", reviewId)
                    .mapTo(String.class).one();
            audit.record(h, caller, "directory.review.moderate", patient, List.of(), m.hidden() ? "hidden" : "shown");
            return new Review(r.id(), r.doctorId(), r.encounterId(), r.authorName(), r.rating(), r.text(), m.hidden(),
                    m.hidden() ? reason : null, r.createdAt());
        });
    }

    // ---- the formulary

    @Override
    public List<Medicine> medicines(AuthenticatedUser caller, String query, int offset, int limit) {
        reader(caller);
        if (limit < 1 || limit > 100) {
            throw new InvalidException("limit", "Between 1 and 100");
        }
        if (offset < 0) {
            throw new InvalidException("offset", "0 or more");
        }
        if (query != null && query.length() > 200) {
            throw new InvalidException("q", "At most 200 characters");
        }
        String q = query == null ? null : Normaliser.prefixQuery(query);
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, strength, form, route, atc FROM"
                + " directory_medicine" + (q == null ? "" : " WHERE search_vector @@ to_tsquery('simple', :q)")
                + " ORDER BY name, strength, form, route LIMIT :limit OFFSET"
                + " :offset").bind("q", q).bind("limit", limit).bind("offset", offset)
                .map((rs, c) -> new Medicine(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6))).list());
    }

    @Override
    public ImportResult importMedicines(AuthenticatedUser caller, String csv, boolean allOrNone) {
        administrator(caller, "keeps the formulary");
        if (csv == null || csv.isBlank()) {
            throw new InvalidException("body", "Required: CSV text with a header row (name,strength,form,route,atc)");
        }
        List<Medicine> good = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build()
                .parse(new StringReader(csv.startsWith("\uFEFF") ? csv.substring(1) : csv))) {
            Map<String, Integer> header = new LinkedHashMap<>();
            parser.getHeaderMap().forEach((k, v) -> header.put(k.strip().toLowerCase(Locale.ROOT), v));
            if (!header.containsKey("name")) {
                throw new UnprocessableException("Bad CSV header", "The header row (line 1) names no 'name' column",
                        "name", Map.of("errors", List.of(new RowError(1, "name", "No 'name' column in the header"))));
            }
            for (String h : header.keySet()) {
                if (!List.of("name", "strength", "form", "route", "atc").contains(h)) {
                    throw new UnprocessableException("Bad CSV header", "Unknown column '" + h + "' in the header"
                            + " (line 1): name, strength, form, route, atc", h, Map.of("errors", List.of(
                                    new RowError(1, h, "Unknown column"))));
                }
            }
            for (CSVRecord r : parser) {
                int line = (int) parser.getCurrentLineNumber();
                if (good.size() + errors.size() >= MAX_IMPORT_ROWS) {
                    throw new UnprocessableException("Too many rows", "At most " + MAX_IMPORT_ROWS + " rows per"
                            + " import", "body", Map.of());
                }
                if (!r.isConsistent()) {
                    errors.add(new RowError(line, null, "Has " + r.size() + " fields; the header has "
                            + header.size()));
                    continue;
                }
                String name = cell(r, header, "name");
                String strength = cell(r, header, "strength");
                String form = cell(r, header, "form");
                String route = cell(r, header, "route");
                String atc = cell(r, header, "atc");
                RowError e = null;
                if (name.isEmpty()) {
                    e = new RowError(line, "name", "Required");
                } else if (name.length() > 200) {
                    e = new RowError(line, "name", "At most 200 characters");
                } else if (strength.length() > 100 || form.length() > 100 || route.length() > 100) {
                    e = new RowError(line, strength.length() > 100 ? "strength" : form.length() > 100 ? "form"
                            : "route", "At most 100 characters");
                } else if (!atc.isEmpty() && !ATC.matcher(atc.toUpperCase(Locale.ROOT)).matches()) {
                    e = new RowError(line, "atc", "Not an ATC code: '" + atc + "' (e.g. N02BE01)");
                }
                if (e != null) {
                    errors.add(e);
                } else {
                    good.add(new Medicine(null, name, strength, form, route, atc.isEmpty() ? null
                            : atc.toUpperCase(Locale.ROOT)));
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new UnprocessableException("Unreadable CSV", "The CSV could not be read: " + e.getMessage(), "body",
                    Map.of());
        }
        if (!errors.isEmpty() && allOrNone) {
            throw new UnprocessableException("Bad rows", errors.size() + " row(s) are wrong, so nothing was imported;"
                    + " the first: line " + errors.get(0).line() + (errors.get(0).field() == null ? "" : ", "
                            + errors.get(0).field()) + ": " + errors.get(0).detail(), errors.get(0).field() == null
                                    ? "body" : errors.get(0).field(), Map.of("errors", errors.stream()
                                            .limit(1000).toList()));
        }
        Instant now = clock.instant();
        int imported = jdbi.inTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO directory_medicine (id, name, strength, form, route, atc,"
                    + " search_text, created_at) VALUES (:id, :name, :strength, :form, :route, :atc, :t, :now) ON"
                    + " CONFLICT (name, strength, form, route) DO NOTHING");
            for (Medicine m : good) {
                batch.bind("id", UUID.randomUUID().toString()).bind("name", m.name()).bind("strength", m.strength())
                        .bind("form", m.form()).bind("route", m.route()).bind("atc", m.atc())
                        .bind("t", Normaliser.document(java.util.Arrays.asList(m.name(), m.strength(), m.form(),
                                m.route(), m.atc() == null ? "" : m.atc())))
                        .bind("now", now).add();
            }
            int n = 0;
            if (!good.isEmpty()) {
                for (int c : batch.execute()) {
                    n += c;
                }
            }
            return n;
        });
        return new ImportResult(imported, good.size() - imported, errors, true);
    }

    // ---- follows

    private String followingPatient(Handle h, AuthenticatedUser caller) {
        reader(caller);
        if (!caller.hasRole(Roles.PATIENT)) {
            throw new ForbiddenException("Only a patient follows doctors");
        }
        String patient = Access.ownPatientId(h, caller);
        if (patient == null) {
            throw new NotFoundException("No patient record is linked to your account: ask the clinic");
        }
        return patient;
    }

    @Override
    public void follow(AuthenticatedUser caller, String doctorId) {
        sync();
        jdbi.useHandle(h -> {
            if (!h.createQuery("SELECT EXISTS (SELECT 1 FROM directory_profile WHERE doctor_id = :d)")
                    .bind("d", doctorId).mapTo(Boolean.class).one()) {
                syncFor(h, doctorId);
            }
        });
        jdbi.useTransaction(h -> {
            String patient = followingPatient(h, caller);
            if (h.createUpdate("INSERT INTO directory_follow (patient_id, doctor_id, created_at) SELECT :p, doctor_id,"
                    + " :at FROM directory_profile WHERE doctor_id = :d ON CONFLICT DO NOTHING").bind("p", patient)
                    .bind("d", doctorId).bind("at", clock.instant()).execute() == 0
                    && !h.createQuery("SELECT EXISTS (SELECT 1 FROM directory_profile WHERE doctor_id = :d)")
                            .bind("d", doctorId).mapTo(Boolean.class).one()) {
                throw new NotFoundException("No doctor " + doctorId);
            }
        });
    }

    @Override
    public void unfollow(AuthenticatedUser caller, String doctorId) {
        jdbi.useTransaction(h -> h.createUpdate("DELETE FROM directory_follow WHERE patient_id = :p AND doctor_id = :d")
                .bind("p", followingPatient(h, caller)).bind("d", doctorId).execute());
    }

    @Override
    public List<Profile> follows(AuthenticatedUser caller) {
        return jdbi.withHandle(h -> {
            String patient = followingPatient(h, caller);
            return profiles(h, caller, h.createQuery(PROFILE_SELECT + " JOIN directory_follow f ON f.doctor_id ="
                    + " p.doctor_id WHERE f.patient_id = :p ORDER BY d.display_name, d.id").bind("p", patient)
                    .mapToMap().list());
        });
    }

    private static String cell(CSVRecord r, Map<String, Integer> header, String column) {
        Integer i = header.get(column);
        return i == null || i >= r.size() ? "" : r.get(i).strip();
    }

    // ---- input helpers

    private static List<String> distinct(List<String> in) {
        if (in == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(new LinkedHashSet<>(in.stream().filter(java.util.Objects::nonNull)
                .map(String::strip).filter(s -> !s.isEmpty()).toList()));
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
