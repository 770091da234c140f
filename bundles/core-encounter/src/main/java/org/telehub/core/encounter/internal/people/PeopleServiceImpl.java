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
import org.telehub.core.encounter.internal.access.CareRelationships;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Doctors and patients: validation, who may create and read them (a patient through {@link CareRelationships}), the
 * audit of every patient read.
 */
@Component(service = PeopleService.class)
public class PeopleServiceImpl implements PeopleService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{5,31}");

    private final EncounterDb db;
    private final AuditLog audit;
    private final CareRelationships care;

    @Activate
    public PeopleServiceImpl(@Reference EncounterDb db, @Reference AuditLog audit,
            @Reference CareRelationships care) {
        this.db = db;
        this.audit = audit;
        this.care = care;
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
        LocalDate birth = birthDate(r.birthDate());
        if (r.email() != null && !Checks.EMAIL.matcher(r.email()).matches()) {
            throw new InvalidException("email", "Not an email address");
        }
        phone(r.phone());
        ZoneId zone = r.timeZone() == null ? null : Checks.zoneRequired(r.timeZone());
        Patient p = new Patient(UUID.randomUUID().toString(), username, r.displayName().trim(), birth, r.email(),
                r.phone(), zone == null ? null : zone.getId(), Instant.now());
        try {
            db.jdbi().useTransaction(h -> {
                PeopleStore.insertPatient(h, p);
                audit.record(h, c.user(), "patient.create", p.id(), List.of(), "ok");
                if (user.clinician()) {
                    care.registeredBy(h, user, p.id()); // who registers a patient cares for them
                }
            });
        } catch (UnableToExecuteStatementException e) {
            throw new ConflictException("Another patient is linked to the account '" + username + "'");
        }
        return p;
    }

    @Override
    public Patient patient(AuthenticatedUser user, String id) {
        Checks.signedIn(user);
        // front desk books and registers: a patient's demographics by id, never their clinical data
        if (!user.hasRole(Roles.FRONT_DESK) && !care.reaches(user, id)) {
            throw new NotFoundException("No patient " + id);
        }
        Patient p = db.jdbi().withHandle(h -> PeopleStore.patient(h, id))
                .orElseThrow(() -> new NotFoundException("No patient " + id));
        audit.record(user, "patient.read", id, List.of(), "ok");
        return p;
    }

    @Override
    public List<Patient> patients(AuthenticatedUser user, int offset, int limit) {
        Checks.signedIn(user);
        boolean export = user.hasRole(Roles.EXPORT);
        if (!export && !user.clinician()) {
            throw new ForbiddenException("Forbidden", "Patients are listed to clinicians (those in their care) and"
                    + " the export role; find one patient by exact name and birth date with displayName and"
                    + " birthDate", "displayName", null);
        }
        Checks.page(offset, limit, 500);
        List<Patient> list = db.jdbi().withHandle(h -> export ? PeopleStore.patients(h, offset, limit)
                : PeopleStore.reachablePatients(h, user.username(), offset, limit));
        db.jdbi().useTransaction(h -> list.forEach(p -> audit.record(h, user, "patient.list", p.id(), List.of(),
                "ok")));
        return list;
    }

    @Override
    public List<Patient> findPatients(AuthenticatedUser user, String displayName, String birthDate) {
        Caller c = Caller.of(db, user);
        if (!c.staff() && !user.hasRole(Roles.EXPORT)) {
            throw new ForbiddenException("Only clinic staff find patients");
        }
        name("displayName", displayName);
        LocalDate birth;
        try {
            birth = LocalDate.parse(birthDate == null ? "" : birthDate);
        } catch (DateTimeParseException e) {
            throw new InvalidException("birthDate", "Required with displayName: a date such as 1980-04-23");
        }
        List<Patient> list = db.jdbi().withHandle(h -> PeopleStore.patientsNamed(h, displayName.trim(), birth));
        db.jdbi().useTransaction(h -> list.forEach(p -> audit.record(h, user, "patient.find", p.id(), List.of(),
                "ok")));
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

    /** A plausible birth date (field {@code birthDate}), or null when absent. */
    static LocalDate birthDate(String v) {
        if (v == null) {
            return null;
        }
        LocalDate birth;
        try {
            birth = LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidException("birthDate", "A date such as 1980-04-23");
        }
        if (birth.isAfter(LocalDate.now()) || birth.isBefore(LocalDate.of(1880, 1, 1))) {
            throw new UnprocessableException("birthDate", "Not a plausible birth date");
        }
        return birth;
    }

    /** A phone number (field {@code phone}), if given. */
    static void phone(String v) {
        if (v != null && !PHONE.matcher(v).matches()) {
            throw new InvalidException("phone", "Digits, spaces, ( ) - and an optional leading +");
        }
    }

    static void name(String field, String v) {
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
