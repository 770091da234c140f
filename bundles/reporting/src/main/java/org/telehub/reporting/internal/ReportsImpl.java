package org.telehub.reporting.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import org.telehub.directory.Directory;
import org.telehub.directory.Diseases;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.files.FileStore;
import org.telehub.files.SecretBox;
import org.telehub.files.StoredFile;
import org.telehub.reporting.Reports;
import org.telehub.reporting.internal.pdf.PdfRenderer;
import org.telehub.reporting.internal.pdf.ReportLayout;
import org.telehub.reporting.internal.pdf.ReportLayout.Letterhead;
import org.telehub.reporting.internal.sign.PadesSigner;
import org.telehub.reporting.internal.sign.SigningKeys;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.security.Roles;
import org.telehub.security.SecondFactorCheck;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link Reports} over the {@code report*} tables. Who the caller is to a report comes from the visit
 * ({@link EncounterService#get} decides whether they see it at all, {@link EncounterService#seat} whether they are
 * its doctor or its patient) and from {@link PatientAccess} (a clinician's care relationship with the patient).
 */
@Component(service = {Reports.class, ReportsImpl.class}, configurationPid = "org.telehub.reporting")
@Designate(ocd = ReportsConfig.class)
public class ReportsImpl implements Reports {
    private static final Logger LOG = LoggerFactory.getLogger(ReportsImpl.class);
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);
    private static final String COLUMNS = "r.id, r.encounter_id, r.doctor_id, r.patient_id, r.status, r.content,"
            + " r.revision, r.created_at, r.updated_at, r.approved_at, r.signed_at, r.signed_by, r.pdf_file_id,"
            + " r.pdf_sha256, r.shared_at, s.subject AS signer_subject, d.display_name AS doctor_name,"
            + " p.display_name AS patient_name, e.type AS visit_type, e.scheduled_start";

    /** What the caller is to a report. */
    enum Stance { AUTHOR, PATIENT, CARE }

    /** {@code visit}: as the caller sees it; null for a care-team clinician who does not see the visit itself. */
    record Access(EncounterDetails visit, Stance stance, String patientId) {
    }

    record Row(String id, String encounterId, String doctorId, String patientId, String status, Content content,
            int revision, Instant createdAt, Instant updatedAt, Instant approvedAt, Instant signedAt, String signedBy,
            String pdfFileId, String pdfSha256, Instant sharedAt, String signerSubject, String doctorName,
            String patientName, String visitType, Instant visitStart) {
    }

    private final Jdbi jdbi;
    private final EncounterService encounters;
    private final PeopleService people;
    private final PatientAccess patients;
    private final SecondFactorCheck secondFactors;
    private final AuditLog audit;
    private final FileStore files;
    private final Directory directory;
    private final WorkService work;
    private final DraftSources sources;
    private final DeliveryStates sender;
    private final ContentChecks checks;
    private final SigningKeys keys;
    private final PdfRenderer renderer = new PdfRenderer();
    private final Clock clock;
    private volatile ReportsConfig config;

    @Activate
    public ReportsImpl(@Reference ReportSchema schema, @Reference EncounterService encounters,
            @Reference PeopleService people, @Reference PatientAccess patients,
            @Reference SecondFactorCheck secondFactors, @Reference AuditLog audit, @Reference FileStore files,
            @Reference SecretBox box, @Reference Directory directory, @Reference Diseases diseases,
            @Reference WorkService work, @Reference DraftSources sources, @Reference DeliveryStates sender,
            ReportsConfig config) {
        this(schema.jdbi(), encounters, people, patients, secondFactors, audit, files, box, directory, diseases, work,
                sources, sender, config, Clock.systemUTC());
    }

    ReportsImpl(Jdbi jdbi, EncounterService encounters, PeopleService people, PatientAccess patients,
            SecondFactorCheck secondFactors, AuditLog audit, FileStore files, SecretBox box, Directory directory,
            Diseases diseases, WorkService work, DraftSources sources, DeliveryStates sender, ReportsConfig config,
            Clock clock) {
        this.jdbi = jdbi;
        this.encounters = encounters;
        this.people = people;
        this.patients = patients;
        this.secondFactors = secondFactors;
        this.audit = audit;
        this.files = files;
        this.directory = directory;
        this.work = work;
        this.sources = sources;
        this.sender = sender;
        // the formulary's medicine by its id (the directory's table, read as the directory writes it)
        this.checks = new ContentChecks(diseases, id -> jdbi.withHandle(h -> h.createQuery("SELECT concat_ws(' ',"
                + " name, strength, form) FROM directory_medicine WHERE id = :id").bind("id", id).mapTo(String.class)
                .findOne().orElse(null)));
        this.config = checked(config);
        this.clock = clock;
        this.keys = new SigningKeys(jdbi, box, clock, config.clinicName());
    }

    @Modified
    void modified(ReportsConfig c) {
        this.config = checked(c);
    }

    private static ReportsConfig checked(ReportsConfig c) {
        if (!List.of("warn", "refuse").contains(c.offFormulary())) {
            throw new IllegalArgumentException("offFormulary: '" + c.offFormulary() + "' is not warn or refuse");
        }
        for (String[] setting : new String[][] {{"reportLanguage", c.reportLanguage()},
            {"noticeLanguage", c.noticeLanguage()}}) {
            if (!LANGUAGES.contains(setting[1])) {
                throw new IllegalArgumentException(setting[0] + ": '" + setting[1] + "' is not one of " + LANGUAGES);
            }
        }
        return c;
    }

    SigningKeys keys() {
        return keys;
    }

    // ---- who may

    private Access access(AuthenticatedUser caller, String encounterId) {
        if (caller == null) {
            throw new ForbiddenException("Sign in to read reports");
        }
        EncounterDetails visit;
        try {
            visit = encounters.get(caller, encounterId);
        } catch (NotFoundException hidden) {
            // a clinician of the patient's care team need not see the visit itself to read its signed report
            if (caller.clinician()) {
                Optional<String> patient = jdbi.withHandle(h -> h.createQuery("SELECT patient_id FROM report WHERE"
                        + " encounter_id = :e").bind("e", encounterId).mapTo(String.class).findOne());
                if (patient.isPresent() && patients.reaches(caller, patient.get())) {
                    return new Access(null, Stance.CARE, patient.get());
                }
            }
            throw noReport(encounterId);
        }
        String role = null;
        try {
            role = encounters.seat(caller, encounterId).role();
        } catch (ForbiddenException | NotFoundException noSeat) {
            // an administrator or a clinician who sees the visit without a place in it
        }
        if ("moderator".equals(role)) {
            return new Access(visit, Stance.AUTHOR, visit.patientId());
        }
        if ("patient".equals(role)) {
            return new Access(visit, Stance.PATIENT, visit.patientId());
        }
        if (caller.clinician() && patients.reaches(caller, visit.patientId())) {
            return new Access(visit, Stance.CARE, visit.patientId());
        }
        if (caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.CLINIC_ADMIN)) {
            audit.record(caller, "report.read", visit.patientId(), List.of(), "denied: no care relationship");
            throw new ForbiddenException("Reports are clinical records: the visit's doctor, its patient and the"
                    + " clinicians caring for the patient read them");
        }
        throw noReport(encounterId);
    }

    private Access author(AuthenticatedUser caller, String encounterId, String action) {
        Access a = access(caller, encounterId);
        if (a.visit() == null) {
            throw noReport(encounterId); // a care-team clinician who does not see the visit: nothing to write here
        }
        if (a.stance() != Stance.AUTHOR) {
            audit.record(caller, action, a.patientId(), List.of(), "denied: not the visit's doctor");
            throw new ForbiddenException("Only the visit's doctor writes, signs and shares its report");
        }
        return a;
    }

    private static boolean sees(Stance s, Row r) {
        return switch (s) {
            case AUTHOR -> true;
            case CARE -> SIGNED.equals(r.status());
            case PATIENT -> r.sharedAt() != null;
        };
    }

    private static NotFoundException noReport(String encounterId) {
        return new NotFoundException("No report for visit " + encounterId);
    }

    /** The author's report, or "none yet" (worded so that it is not taken for "does not exist for you"). */
    private Row authored(Handle h, String encounterId, boolean lock) {
        return row(h, "r.encounter_id = :k" + (lock ? " FOR UPDATE OF r" : ""), encounterId).orElseThrow(
                () -> new NotFoundException(null, "This visit has no report yet: start one (POST /encounters/"
                        + encounterId + "/report)", "report", Map.of()));
    }

    // ---- reading

    @Override
    public Report get(AuthenticatedUser caller, String encounterId) {
        Access a = access(caller, encounterId);
        Row r = jdbi.withHandle(h -> a.stance() == Stance.AUTHOR ? authored(h, encounterId, false)
                : row(h, "r.encounter_id = :k", encounterId).filter(x -> sees(a.stance(), x))
                        .orElseThrow(() -> noReport(encounterId)));
        audit.record(caller, "report.read", r.patientId(), List.of(), "ok");
        return view(r, List.of(), a.stance() != Stance.PATIENT);
    }

    @Override
    public List<RevisionInfo> revisions(AuthenticatedUser caller, String encounterId) {
        Access a = author(caller, encounterId, "report.revisions");
        List<RevisionInfo> list = jdbi.withHandle(h -> {
            Row r = authored(h, encounterId, false);
            return h.createQuery("SELECT revision, saved_by, saved_at FROM report_revision WHERE report_id = :r"
                    + " ORDER BY revision DESC").bind("r", r.id()).map((rs, c) -> new RevisionInfo(rs.getInt(1),
                            rs.getString(2), rs.getTimestamp(3).toInstant())).list();
        });
        audit.record(caller, "report.revisions", a.patientId(), List.of(), "ok: " + list.size());
        return list;
    }

    @Override
    public Content revision(AuthenticatedUser caller, String encounterId, int revision) {
        Access a = author(caller, encounterId, "report.revisions");
        Content c = jdbi.withHandle(h -> {
            Row r = authored(h, encounterId, false);
            return h.createQuery("SELECT content::text FROM report_revision WHERE report_id = :r AND revision = :v")
                    .bind("r", r.id()).bind("v", revision).mapTo(String.class).findOne().map(ReportsImpl::content)
                    .orElseThrow(() -> new NotFoundException("This report has no revision " + revision));
        });
        audit.record(caller, "report.read", a.patientId(), List.of(), "ok: revision " + revision);
        return c;
    }

    @Override
    public List<Summary> list(AuthenticatedUser caller, String status, int offset, int limit) {
        if (limit < 1 || limit > 100) {
            throw new InvalidException("limit", "Between 1 and 100");
        }
        if (offset < 0) {
            throw new InvalidException("offset", "0 or more");
        }
        if (status != null && !List.of(DRAFT, APPROVED, SIGNED).contains(status)) {
            throw new InvalidException("status", "draft, approved or signed");
        }
        String who;
        if (caller.hasRole(Roles.PATIENT)) {
            who = "p.username = :u AND r.shared_at IS NOT NULL";
        } else if (caller.hasRole(Roles.DOCTOR)) {
            who = "d.username = :u";
        } else {
            return List.of(); // others reach reports through the visit (care teams) only
        }
        List<Summary> found = jdbi.withHandle(h -> h.createQuery("SELECT r.id, r.encounter_id, r.status,"
                + " d.display_name AS doctor, p.display_name AS patient, e.type, e.scheduled_start, r.updated_at,"
                + " r.signed_at, r.shared_at FROM report r JOIN encounter e ON e.id = r.encounter_id"
                + " JOIN encounter_doctor d ON d.id = r.doctor_id JOIN encounter_patient p ON p.id = r.patient_id"
                + " WHERE " + who + (status == null ? "" : " AND r.status = :s")
                + " ORDER BY COALESCE(r.signed_at, r.updated_at) DESC, r.id LIMIT :l OFFSET :o")
                .bind("u", caller.username()).bind("s", status).bind("l", limit).bind("o", offset)
                .map((rs, c) -> new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                        instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)))).list());
        audit.record(caller, "report.list", null, List.of(), "ok: " + found.size());
        return found;
    }

    @Override
    public Pdf pdf(AuthenticatedUser caller, String reportId, String addendumId) {
        Row r = jdbi.withHandle(h -> row(h, "r.id = :k", reportId)).orElseThrow(() -> new NotFoundException(
                "No report " + reportId));
        Access a;
        try {
            a = access(caller, r.encounterId());
        } catch (NotFoundException hidden) {
            throw new NotFoundException("No report " + reportId);
        }
        if (!sees(a.stance(), r) || r.pdfFileId() == null) {
            throw new NotFoundException("No report " + reportId);
        }
        String fileId = r.pdfFileId();
        String name = "report-" + r.signedAt().atZone(ZoneId.of("UTC")).toLocalDate() + ".pdf";
        if (addendumId != null) {
            fileId = jdbi.withHandle(h -> h.createQuery("SELECT pdf_file_id FROM report_addendum WHERE id = :a AND"
                    + " report_id = :r").bind("a", addendumId).bind("r", reportId).mapTo(String.class).findOne())
                    .orElseThrow(() -> new NotFoundException("This report has no addendum " + addendumId));
            name = "report-addendum-" + addendumId.substring(0, 8) + ".pdf";
        }
        byte[] content;
        try (InputStream in = files.open(fileId)) {
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit.record(caller, "report.pdf", r.patientId(), List.of(), "ok" + (addendumId == null ? ""
                : ": addendum " + addendumId));
        return new Pdf(name, content);
    }

    // ---- writing

    @Override
    public Drafted draft(AuthenticatedUser caller, String encounterId) {
        Access a = author(caller, encounterId, "report.draft");
        EncounterDetails v = a.visit();
        Optional<Row> existing = jdbi.withHandle(h -> row(h, "r.encounter_id = :k", encounterId));
        if (existing.isPresent()) {
            audit.record(caller, "report.read", existing.get().patientId(), List.of(), "ok");
            return new Drafted(view(existing.get(), List.of()), false);
        }
        if (EncounterService.CANCELLED.equals(v.status()) || EncounterService.NO_SHOW.equals(v.status())) {
            throw new UnprocessableException("encounter", "No report for a visit that was "
                    + v.status().replace('_', '-'));
        }
        if (!EncounterService.IN_PROGRESS.equals(v.status()) && !EncounterService.COMPLETED.equals(v.status())) {
            throw new UnprocessableException("encounter", "The visit has not started: its report is written once it"
                    + " has");
        }
        boolean created = create(new org.telehub.reporting.DraftSource.Visit(v.id(), v.patientId(), v.doctorId(),
                v.type(), v.chiefComplaint(), v.patientNotes(), v.doctorNotes(), v.actualStart(), v.actualEnd(),
                v.timeZone()), caller.username());
        Row r = jdbi.withHandle(h -> authored(h, encounterId, false));
        audit.record(caller, "report.draft", r.patientId(), List.of(), created ? "ok: created" : "ok");
        return new Drafted(view(r, List.of()), created);
    }

    /** Makes the visit's draft unless it has a report; whether this call made it. */
    boolean create(org.telehub.reporting.DraftSource.Visit visit, String by) {
        Content c = sources.draft(visit, config.reportLanguage());
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("INSERT INTO report (id, encounter_id, doctor_id, patient_id, status, content,"
                    + " revision, created_at, updated_at) VALUES (:id, :e, :d, :p, 'draft', CAST(:c AS jsonb), 1,"
                    + " :t, :t) ON CONFLICT (encounter_id) DO NOTHING").bind("id", id).bind("e", visit.encounterId())
                    .bind("d", visit.doctorId()).bind("p", visit.patientId()).bind("c", json(c)).bind("t", now)
                    .execute();
            if (n == 1) {
                revisionRow(h, id, 1, c, by, now);
            }
            return n == 1;
        });
    }

    /** Deletes the visit's report while it is a draft nobody has changed (the visit was cancelled meanwhile). */
    int discardUntouched(String encounterId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM report WHERE encounter_id = :e AND status = 'draft'"
                + " AND revision = 1").bind("e", encounterId).execute());
    }

    @Override
    public Report update(AuthenticatedUser caller, String encounterId, Content content, int expectedRevision) {
        Access a = author(caller, encounterId, "report.update");
        ContentChecks.Checked ch = checks.check(caller, content, "refuse".equals(config.offFormulary()));
        Instant now = clock.instant();
        Row r = jdbi.inTransaction(h -> {
            Row cur = authored(h, encounterId, true);
            if (SIGNED.equals(cur.status())) {
                throw new ConflictException(null, "A signed report is not changed: add an addendum", "status",
                        Map.of("status", cur.status()));
            }
            stale(cur, expectedRevision);
            if (ch.content().equals(cur.content())) {
                return cur; // nothing changed (an autosave after the last save): no revision, an approval stays
            }
            int next = cur.revision() + 1;
            h.createUpdate("UPDATE report SET content = CAST(:c AS jsonb), revision = :v, status = 'draft',"
                    + " approved_at = NULL, updated_at = :t WHERE id = :id").bind("c", json(ch.content()))
                    .bind("v", next).bind("t", now).bind("id", cur.id()).execute();
            revisionRow(h, cur.id(), next, ch.content(), caller.username(), now);
            return authored(h, encounterId, false);
        });
        audit.record(caller, "report.update", r.patientId(), List.of(), "ok: revision " + r.revision());
        return view(r, ch.warnings());
    }

    private static void stale(Row cur, int expectedRevision) {
        if (cur.revision() != expectedRevision) {
            throw new ConflictException(null, "The report was saved elsewhere meanwhile (revision " + cur.revision()
                    + "): reload it and apply your change again", "revision", Map.of("currentRevision",
                            cur.revision()));
        }
    }

    @Override
    public Report approve(AuthenticatedUser caller, String encounterId, int expectedRevision) {
        Access a = author(caller, encounterId, "report.approve");
        Instant now = clock.instant();
        Row r = jdbi.inTransaction(h -> {
            Row cur = authored(h, encounterId, true);
            if (!DRAFT.equals(cur.status())) {
                throw new ConflictException(null, "Only a draft is approved; this report is " + cur.status(),
                        "status", Map.of("status", cur.status()));
            }
            stale(cur, expectedRevision);
            if (cur.content().assessment() == null && cur.content().diagnoses().isEmpty()) {
                throw new UnprocessableException("assessment", "A report is approved with its assessment: write it"
                        + " or code a diagnosis");
            }
            h.createUpdate("UPDATE report SET status = 'approved', approved_at = :t, updated_at = :t WHERE id = :id")
                    .bind("t", now).bind("id", cur.id()).execute();
            return authored(h, encounterId, false);
        });
        audit.record(caller, "report.approve", r.patientId(), List.of(), "ok: revision " + r.revision());
        return view(r, List.of());
    }

    /** The second factor, asked again before anything is signed. */
    private void confirmSecondFactor(AuthenticatedUser caller, String code, String action, String patientId) {
        if (!secondFactors.enrolled(caller)) {
            audit.record(caller, action, patientId, List.of(), "denied: no second factor");
            throw new UnprocessableException("secondFactor", "Signing needs a second factor: set up an authenticator"
                    + " app (Account, two-step sign-in), then sign");
        }
        if (!secondFactors.confirm(caller, code, action)) {
            audit.record(caller, action, patientId, List.of(), "denied: second factor "
                    + (code == null || code.isBlank() ? "missing" : "wrong"));
            throw new ForbiddenException(null, "Signing needs a current code of your authenticator app", "code",
                    Map.of("secondFactor", "totp"));
        }
    }

    @Override
    public Report sign(AuthenticatedUser caller, String encounterId, String secondFactorCode) {
        Access a = author(caller, encounterId, "report.sign");
        EncounterDetails v = a.visit();
        Row cur = jdbi.withHandle(h -> authored(h, encounterId, false));
        if (!APPROVED.equals(cur.status())) {
            throw new ConflictException(null, SIGNED.equals(cur.status()) ? "This report is signed already"
                    : "Approve the report before signing it", "status", Map.of("status", cur.status()));
        }
        confirmSecondFactor(caller, secondFactorCode, "report.sign", cur.patientId());
        Instant now = clock.instant();
        ReportDocument.Parties parties = parties(caller, v);
        Signed s = signAndStore(ReportDocument.report(cur.content(), parties, false, now), v, now);
        Row r = storedOrDeleted(s, () -> jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE report SET status = 'signed', signed_at = :t, signed_by = :u, signer_id"
                    + " = :s, pdf_file_id = :f, pdf_sha256 = :sha, updated_at = :t WHERE id = :id AND status ="
                    + " 'approved' AND revision = :v").bind("t", now).bind("u", caller.username())
                    .bind("s", s.signerId()).bind("f", s.file().id()).bind("sha", s.sha256()).bind("id", cur.id())
                    .bind("v", cur.revision()).execute();
            if (n == 1) {
                // signed means sent: the delivery to the patient's systems is queued with the signature
                work.submit(h, new WorkRequest(ReportDeliveries.TOPIC, cur.id(), ReportDeliveries.payload(cur.id(),
                        null, caller.username()), null, "deliver:" + cur.id()));
            }
            return n == 1 ? authored(h, encounterId, false) : null;
        }));
        if (r == null) {
            deleteQuietly(s.file().id());
            throw new ConflictException("The report changed while it was being signed: look at it and sign again");
        }
        audit.record(caller, "report.sign", r.patientId(), List.of(), "ok: " + s.sha256());
        return view(r, List.of());
    }

    record Signed(StoredFile file, String sha256, String signerId) {
    }

    /** Renders, signs with the doctor's key and stores the PDF (encrypted); nothing refers to it yet. */
    private Signed signAndStore(ReportLayout layout, EncounterDetails v, Instant now) {
        byte[] signed;
        String signerId;
        try {
            byte[] pdf = renderer.render(layout);
            SigningKeys.Active signer = keys.activeSigner(v.doctorId(), v.doctorName());
            signerId = signer.id();
            signed = PadesSigner.sign(pdf, signer.signer(), v.doctorName(), config.signingReason(),
                    layout.letterhead().clinicName(), now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing failed: " + e.getMessage(), e);
        }
        try {
            StoredFile f = files.put(new ByteArrayInputStream(signed), "application/pdf", "report");
            return new Signed(f, sha256(signed), signerId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs what records a stored signed PDF; if it fails, the PDF goes too (nothing refers to it). */
    private <T> T storedOrDeleted(Signed s, java.util.function.Supplier<T> record) {
        try {
            return record.get();
        } catch (RuntimeException | Error e) {
            deleteQuietly(s.file().id());
            throw e;
        }
    }

    private void deleteQuietly(String fileId) {
        try {
            files.delete(fileId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("A report PDF no report refers to was left behind (file {}): {}", fileId, e.toString());
        }
    }

    @Override
    public Report share(AuthenticatedUser caller, String encounterId) {
        Access a = author(caller, encounterId, "report.share");
        Instant now = clock.instant();
        Row r = jdbi.inTransaction(h -> {
            Row cur = authored(h, encounterId, true);
            if (!SIGNED.equals(cur.status())) {
                throw new ConflictException(null, "Sign the report before sharing it", "status", Map.of("status",
                        cur.status()));
            }
            if (cur.sharedAt() == null) {
                h.createUpdate("UPDATE report SET shared_at = :t WHERE id = :id").bind("t", now).bind("id", cur.id())
                        .execute();
                work.submit(h, new WorkRequest(ShareNotices.TOPIC, cur.patientId(), cur.id(), null, "share:"
                        + cur.id()));
            }
            return authored(h, encounterId, false);
        });
        audit.record(caller, "report.share", r.patientId(), List.of(), "ok");
        return view(r, List.of());
    }

    @Override
    public Report addendum(AuthenticatedUser caller, String encounterId, String text, String secondFactorCode) {
        Access a = author(caller, encounterId, "report.addendum");
        EncounterDetails v = a.visit();
        String t = ContentChecks.text(text, "text", ContentChecks.TEXT);
        if (t == null) {
            throw new InvalidException("text", "Required: what the addendum says");
        }
        Row cur = jdbi.withHandle(h -> authored(h, encounterId, false));
        if (!SIGNED.equals(cur.status())) {
            throw new ConflictException(null, "An addendum is added to a signed report; this one is "
                    + cur.status() + ": change it instead", "status", Map.of("status", cur.status()));
        }
        confirmSecondFactor(caller, secondFactorCode, "report.addendum", cur.patientId());
        Instant now = clock.instant();
        Signed s = signAndStore(ReportDocument.addendum(cur.content().language(), t, cur.signedAt(),
                parties(caller, v), now), v, now);
        String id = UUID.randomUUID().toString();
        storedOrDeleted(s, () -> jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO report_addendum (id, report_id, text, signed_at, signed_by, signer_id,"
                    + " pdf_file_id, pdf_sha256) VALUES (:id, :r, :x, :t, :u, :s, :f, :sha)").bind("id", id)
                    .bind("r", cur.id()).bind("x", t).bind("t", now).bind("u", caller.username())
                    .bind("s", s.signerId()).bind("f", s.file().id()).bind("sha", s.sha256()).execute();
            work.submit(h, new WorkRequest(ReportDeliveries.TOPIC, cur.id(), ReportDeliveries.payload(cur.id(), id,
                    caller.username()), null, "deliver:" + id));
            return id;
        }));
        audit.record(caller, "report.addendum", cur.patientId(), List.of(), "ok: " + s.sha256());
        return view(jdbi.withHandle(h -> authored(h, encounterId, false)), List.of());
    }

    @Override
    public byte[] preview(AuthenticatedUser caller, String encounterId) {
        Access a = author(caller, encounterId, "report.preview");
        Row cur = jdbi.withHandle(h -> authored(h, encounterId, false));
        if (SIGNED.equals(cur.status())) {
            throw new ConflictException(null, "This report is signed: its PDF is the signed one (" + "reports/"
                    + cur.id() + "/pdf)", "status", Map.of("status", cur.status()));
        }
        try {
            byte[] pdf = renderer.render(ReportDocument.report(cur.content(), parties(caller, a.visit()), true,
                    clock.instant()));
            audit.record(caller, "report.preview", cur.patientId(), List.of(), "ok");
            return pdf;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the PDF's parties

    private ReportDocument.Parties parties(AuthenticatedUser caller, EncounterDetails v) {
        ReportsConfig c = config;
        String name = c.clinicName();
        List<String> lines = new ArrayList<>(Arrays.stream(c.clinicAddress().split("\\|")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        ZoneId zone = ZoneId.of(v.timeZone() == null ? "UTC" : v.timeZone());
        if (v.clinicId() != null) {
            try {
                Directory.Clinic clinic = directory.clinic(caller, v.clinicId());
                name = clinic.name();
                lines = new ArrayList<>();
                if (clinic.address() != null) {
                    lines.addAll(Arrays.stream(clinic.address().split("\\R")).map(String::strip)
                            .filter(s -> !s.isEmpty()).toList());
                }
                String contact = String.join(" · ", java.util.stream.Stream.of(clinic.phone(), clinic.email())
                        .filter(x -> x != null && !x.isBlank()).toList());
                if (!contact.isEmpty()) {
                    lines.add(contact);
                }
                if (clinic.timeZone() != null && !clinic.timeZone().isBlank()) {
                    zone = ZoneId.of(clinic.timeZone());
                }
            } catch (DomainException gone) {
                // the clinic left the directory: the configured letterhead
            }
        }
        LocalDate birth = null;
        try {
            birth = people.patient(caller, v.patientId()).birthDate();
        } catch (DomainException hidden) {
            // printed without it
        }
        String speciality = null;
        try {
            speciality = people.doctor(caller, v.doctorId()).speciality();
        } catch (DomainException hidden) {
            // printed without it
        }
        return new ReportDocument.Parties(new Letterhead(name, lines, logo(c)), zone, v.patientName(), birth,
                v.patientId(), v.doctorName(), speciality, v.type(), v.scheduledStart());
    }

    private static byte[] logo(ReportsConfig c) {
        if (c.logoFile() == null || c.logoFile().isBlank()) {
            return null;
        }
        try {
            Path file = Path.of(c.logoFile().strip());
            String home = System.getProperty("karaf.home");
            return Files.readAllBytes(file.isAbsolute() || home == null ? file : Path.of(home).resolve(file));
        } catch (IOException e) {
            LOG.warn("The report letterhead's logo {} cannot be read ({}): printed without it", c.logoFile(),
                    e.toString());
            return null;
        }
    }

    // ---- rows

    private Optional<Row> row(Handle h, String where, String key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM report r LEFT JOIN report_signer s ON s.id = r.signer_id"
                + " JOIN encounter e ON e.id = r.encounter_id JOIN encounter_doctor d ON d.id = r.doctor_id"
                + " JOIN encounter_patient p ON p.id = r.patient_id WHERE " + where).bind("k", key)
                .map((rs, c) -> new Row(rs.getString("id"),
                        rs.getString("encounter_id"), rs.getString("doctor_id"), rs.getString("patient_id"),
                        rs.getString("status"), content(rs.getString("content")), rs.getInt("revision"),
                        instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                        instant(rs.getTimestamp("approved_at")), instant(rs.getTimestamp("signed_at")),
                        rs.getString("signed_by"), rs.getString("pdf_file_id"), rs.getString("pdf_sha256"),
                        instant(rs.getTimestamp("shared_at")), rs.getString("signer_subject"),
                        rs.getString("doctor_name"), rs.getString("patient_name"), rs.getString("visit_type"),
                        instant(rs.getTimestamp("scheduled_start")))).findOne();
    }

    private Report view(Row r, List<String> warnings) {
        return view(r, warnings, true);
    }

    /** {@code clinical}: with where it was delivered (its doctor and the care team; not the patient). */
    private Report view(Row r, List<String> warnings, boolean clinical) {
        boolean sent = clinical && SIGNED.equals(r.status());
        List<Addendum> addenda = jdbi.withHandle(h -> h.createQuery("SELECT id, text, signed_at, signed_by FROM"
                + " report_addendum WHERE report_id = :r ORDER BY signed_at, id").bind("r", r.id()).map((rs, c) ->
                        new Addendum(rs.getString(1), rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4),
                                "reports/" + r.id() + "/addenda/" + rs.getString(1) + "/pdf", List.of())).list())
                .stream().map(a -> sent ? new Addendum(a.id(), a.text(), a.signedAt(), a.signedBy(), a.pdf(),
                        sender.of(r.id(), a.id(), r.patientId(), a.signedBy(), r.doctorName())) : a).toList();
        List<Delivery> deliveries = sent ? sender.of(r.id(), null, r.patientId(), r.signedBy(), r.doctorName())
                : List.of();
        return new Report(r.id(), r.encounterId(), r.status(), r.content(), r.revision(), r.doctorId(),
                r.doctorName(), r.patientId(), r.patientName(), r.visitType(), r.visitStart(), r.createdAt(),
                r.updatedAt(), r.approvedAt(), r.signedAt(), r.signedBy(), r.signerSubject(), r.sharedAt(),
                r.pdfFileId() == null ? null : "reports/" + r.id() + "/pdf", r.pdfSha256(), addenda, deliveries,
                warnings);
    }

    private static void revisionRow(Handle h, String reportId, int revision, Content c, String by, Instant at) {
        h.createUpdate("INSERT INTO report_revision (report_id, revision, content, saved_by, saved_at) VALUES (:r,"
                + " :v, CAST(:c AS jsonb), :u, :t)").bind("r", reportId).bind("v", revision).bind("c", json(c))
                .bind("u", by).bind("t", at).execute();
    }

    static String json(Content c) {
        try {
            return JSON.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Content content(String json) {
        try {
            Content c = JSON.readValue(json, Content.class);
            return new Content(c.language(), c.subjective(), c.objective(), c.assessment(), c.plan(),
                    c.diagnoses() == null ? List.of() : c.diagnoses(), c.medications() == null ? List.of()
                            : c.medications(), c.orders() == null ? List.of() : c.orders(), c.followUp());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored report's content cannot be read: " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
