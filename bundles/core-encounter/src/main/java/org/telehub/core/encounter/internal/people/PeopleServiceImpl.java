package org.telehub.core.encounter.internal.people;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** Doctors and patients: validation, who may create and read them, the audit of every patient read. */
@Component(service = PeopleService.class)
public class PeopleServiceImpl implements PeopleService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{5,31}");

    private final EncounterDb db;
    private final AuditLog audit;

    @Activate
    public PeopleServiceImpl(@Reference EncounterDb db, @Reference AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    // ---- doctors

    @Override
    public Doctor createDoctor(AuthenticatedUser caller, NewDoctor r) {
        if (!Caller.of(db, caller).admin()) {
            throw new ForbiddenException("Only an administrator adds doctors");
        }
        Checks.body(r);
        String username = username(r.username());
        name("displayName", r.displayName());
        Checks.maxLength("speciality", r.speciality(), 100);
        Checks.maxLength("clinic", r.clinic(), 200);
        ZoneId zone = Checks.zoneRequired(r.timeZone());
        int slot = slotMinutes(r.slotMinutes());
        Doctor d = new Doctor(UUID.randomUUID().toString(), username, r.displayName().trim(), r.speciality(),
                r.clinic(), zone.getId(), slot, Instant.now());
        try {
            db.jdbi().useHandle(h -> PeopleStore.insertDoctor(h, d));
        } catch (UnableToExecuteStatementException e) {
            throw new ConflictException("Another doctor is linked to the account '" + username + "'");
        }
        return d;
    }

    @Override
    public List<Doctor> doctors(AuthenticatedUser caller, int offset, int limit) {
        Checks.signedIn(caller);
        Checks.page(offset, limit, 500);
        return db.jdbi().withHandle(h -> PeopleStore.doctors(h, offset, limit));
    }

    @Override
    public Doctor doctor(AuthenticatedUser caller, String id) {
        Checks.signedIn(caller);
        return db.jdbi().withHandle(h -> PeopleStore.doctor(h, id))
                .orElseThrow(() -> new NotFoundException("No doctor " + id));
    }

    // ---- patients

    @Override
    public Patient createPatient(AuthenticatedUser user, NewPatient r) {
        Caller c = Caller.of(db, user);
        if (!c.staff()) {
            throw new ForbiddenException("Only clinic staff add patients");
        }
        Checks.body(r);
        String username = username(r.username());
        name("displayName", r.displayName());
        LocalDate birth = null;
        if (r.birthDate() != null) {
            try {
                birth = LocalDate.parse(r.birthDate());
            } catch (DateTimeParseException e) {
                throw new InvalidException("birthDate", "A date such as 1980-04-23");
            }
            if (birth.isAfter(LocalDate.now()) || birth.isBefore(LocalDate.of(1880, 1, 1))) {
                throw new UnprocessableException("birthDate", "Not a plausible birth date");
            }
        }
        if (r.email() != null && !Checks.EMAIL.matcher(r.email()).matches()) {
            throw new InvalidException("email", "Not an email address");
        }
        if (r.phone() != null && !PHONE.matcher(r.phone()).matches()) {
            throw new InvalidException("phone", "Digits, spaces, ( ) - and an optional leading +");
        }
        ZoneId zone = r.timeZone() == null ? null : Checks.zoneRequired(r.timeZone());
        Patient p = new Patient(UUID.randomUUID().toString(), username, r.displayName().trim(), birth, r.email(),
                r.phone(), zone == null ? null : zone.getId(), Instant.now());
        try {
            db.jdbi().useTransaction(h -> {
                PeopleStore.insertPatient(h, p);
                audit.record(h, c.user(), "patient.create", p.id(), List.of(), "ok");
            });
        } catch (UnableToExecuteStatementException e) {
            throw new ConflictException("Another patient is linked to the account '" + username + "'");
        }
        return p;
    }

    @Override
    public Patient patient(AuthenticatedUser user, String id) {
        Caller c = Caller.of(db, user);
        if (!c.staff() && !id.equals(c.patientId())) {
            throw new NotFoundException("No patient " + id);
        }
        Patient p = db.jdbi().withHandle(h -> PeopleStore.patient(h, id))
                .orElseThrow(() -> new NotFoundException("No patient " + id));
        audit.record(c.user(), "patient.read", id, List.of(), "ok");
        return p;
    }

    @Override
    public List<Patient> patients(AuthenticatedUser user, int offset, int limit) {
        Caller c = Caller.of(db, user);
        if (!c.staff()) {
            throw new ForbiddenException("Only clinic staff list patients");
        }
        Checks.page(offset, limit, 500);
        List<Patient> list = db.jdbi().withHandle(h -> PeopleStore.patients(h, offset, limit));
        list.forEach(p -> audit.record(c.user(), "patient.list", p.id(), List.of(), "ok"));
        return list;
    }

    // ---- validation

    private static String username(String u) {
        if (u == null) {
            return null;
        }
        String n = u.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(n).matches()) {
            throw new InvalidException("username", "The Telehub account this person logs in with: 3 to 64"
                    + " characters, lower-case letters, digits and . _ @ -");
        }
        return n;
    }

    private static void name(String field, String v) {
        if (v == null || v.isBlank() || v.length() > 200) {
            throw new InvalidException(field, "Required, at most 200 characters");
        }
    }

    /** A slot length (field {@code slotMinutes}): 5 to 240, 30 if absent. */
    public static int slotMinutes(Integer m) {
        if (m == null) {
            return 30;
        }
        if (m < 5 || m > 240) {
            throw new InvalidException("slotMinutes", "5 to 240 minutes");
        }
        return m;
    }
}
