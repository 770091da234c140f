package org.telehub.integration.manager.internal.imaging;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps;
import org.telehub.integration.manager.internal.IntegrationSchema;

/**
 * The hub's {@link PerformedSteps}: {@code integration_procedure_step}, one row per system and step. An update
 * applies only while the row is in progress (one conditional UPDATE), so of two racing updates after a completion
 * neither changes a final step.
 */
@Component(service = PerformedSteps.class)
public class Steps implements PerformedSteps {
    private static final Set<String> STATES = Set.of(PerformedStep.IN_PROGRESS, PerformedStep.COMPLETED,
            PerformedStep.DISCONTINUED);
    private static final String COLUMNS = "uid, patient_id, scheduled_step_id, accession_number, study_uid, status, "
            + "description, station_ae, started_at, ended_at";

    private final Jdbi jdbi;

    @Activate
    public Steps(@Reference IntegrationSchema schema) {
        this(schema.jdbi());
    }

    Steps(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean create(String adapterId, PerformedStep step) throws AdapterException {
        check(step);
        return db("record the procedure step", () -> jdbi.withHandle(h -> bind(h.createUpdate("INSERT INTO "
                + "integration_procedure_step (adapter_id, " + COLUMNS + ", updated_at) VALUES (:adapter, :uid, "
                + ":patient, :scheduled, :accession, :study, :status, :description, :station, :started, :ended, :now)"
                + " ON CONFLICT (adapter_id, uid) DO NOTHING"), adapterId, step).execute()) == 1);
    }

    /** A database call; its failure is retryable for the adapter (the SCP answers so that the system sends again). */
    private static <T> T db(String what, java.util.function.Supplier<T> call) throws AdapterException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new AdapterException("the hub could not " + what + " now: " + e.getMessage(), true, e);
        }
    }

    @Override
    public Optional<PerformedStep> find(String adapterId, String uid) throws AdapterException {
        return db("read the procedure step", () -> jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                + " FROM integration_procedure_step WHERE adapter_id = :a AND uid = :u").bind("a", adapterId)
                .bind("u", uid).map((rs, c) -> step(rs)).findOne()));
    }

    @Override
    public Update update(String adapterId, PerformedStep step) throws AdapterException {
        check(step);
        return db("record the procedure step", () -> jdbi.inTransaction(h -> {
            int n = bind(h.createUpdate("UPDATE integration_procedure_step SET patient_id = :patient, "
                    + "scheduled_step_id = :scheduled, accession_number = :accession, study_uid = :study, "
                    + "status = :status, description = :description, station_ae = :station, started_at = :started, "
                    + "ended_at = :ended, updated_at = :now WHERE adapter_id = :adapter AND uid = :uid AND status "
                    + "= 'IN PROGRESS'"), adapterId, step).execute();
            if (n == 1) {
                return Update.UPDATED;
            }
            boolean exists = h.createQuery("SELECT 1 FROM integration_procedure_step WHERE adapter_id = :a AND "
                    + "uid = :u").bind("a", adapterId).bind("u", step.uid()).mapTo(Integer.class).findOne()
                    .isPresent();
            return exists ? Update.FINAL : Update.UNKNOWN;
        }));
    }

    @Override
    public List<PerformedStep> ofPatient(String adapterId, String patientId) throws AdapterException {
        return db("read the procedure steps", () -> jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                + " FROM integration_procedure_step WHERE adapter_id = :a AND patient_id = :p ORDER BY started_at DESC"
                + " LIMIT 1000").bind("a", adapterId).bind("p", patientId).map((rs, c) -> step(rs)).list()));
    }

    private static void check(PerformedStep s) throws AdapterException {
        refuse(!DicomUids.isUid(s.uid()), "its id is not a DICOM UID");
        refuse(s.patientId() == null || s.patientId().isBlank() || s.patientId().length() > 64,
                "it names no patient (or an id over 64 characters)");
        refuse(!STATES.contains(s.status()), "status '" + s.status() + "' is none of " + STATES);
        refuse(s.started() == null, "it has no start");
        refuse(s.studyInstanceUid() != null && !DicomUids.isUid(s.studyInstanceUid()), "its study is not a DICOM UID");
        refuse(len(s.scheduledStepId()) > 64 || len(s.accessionNumber()) > 64 || len(s.stationAe()) > 16,
                "a scheduled step id or accession number over 64 characters, or a station AE title over 16");
    }

    private static void refuse(boolean refused, String why) throws AdapterException {
        if (refused) {
            throw new AdapterException("procedure step refused: " + why, false);
        }
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    private static <T extends SqlStatement<T>> T bind(T st, String adapterId, PerformedStep s) {
        return st.bind("adapter", adapterId).bind("uid", s.uid()).bind("patient", s.patientId())
                .bind("scheduled", s.scheduledStepId()).bind("accession", s.accessionNumber())
                .bind("study", s.studyInstanceUid()).bind("status", s.status()).bind("description", s.description())
                .bind("station", s.stationAe()).bind("started", at(s.started())).bind("ended", at(s.ended()))
                .bind("now", at(Instant.now()));
    }

    private static OffsetDateTime at(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static PerformedStep step(ResultSet rs) throws SQLException {
        OffsetDateTime ended = rs.getObject("ended_at", OffsetDateTime.class);
        return new PerformedStep(rs.getString("uid"), rs.getString("patient_id"), rs.getString("scheduled_step_id"),
                rs.getString("accession_number"), rs.getString("study_uid"), rs.getString("status"),
                rs.getString("description"), rs.getString("station_ae"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant());
    }
}
