package org.telehub.integration.manager.internal.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.integration.api.ReceivedInstance;

/**
 * The DICOM instances in Telehub, retrieved from a PACS or sent by a system unasked ({@link Intake}): content in the
 * encrypted file store, one row each here. An instance received again replaces the earlier copy.
 */
final class ImagingInstances {
    private final Jdbi jdbi;
    private final FileStore files;

    ImagingInstances(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    /** A listed instance. */
    public record Row(String id, String adapterId, String patientId, String studyInstanceUid,
            String seriesInstanceUid, String sopInstanceUid, String sopClassUid, String modality,
            String accessionNumber, long size, Instant receivedAt, String receivedBy) {
    }

    /** Encrypts the received file into the store and indexes it; the row exists only once the content does. */
    Row keep(String adapterId, ReceivedInstance instance, Path file, String actor) throws IOException {
        return keep(adapterId, instance, null, file, actor, (h, row) -> {
        });
    }

    /** What else is written in the transaction that indexes an instance (its forward). */
    @FunctionalInterface
    interface AlsoInTransaction {
        void run(Handle h, Row row);
    }

    /**
     * As {@link #keep(String, ReceivedInstance, Path, String)} with the instance's accession number, and
     * {@code also} written in the same transaction as its row.
     */
    Row keep(String adapterId, ReceivedInstance instance, String accessionNumber, Path file, String actor,
            AlsoInTransaction also) throws IOException {
        StoredFile stored;
        try (InputStream in = Files.newInputStream(file)) {
            stored = files.put(in, "application/dicom", "dicom");
        }
        Row row = new Row(UUID.randomUUID().toString(), adapterId, instance.patientId(), instance.studyInstanceUid(),
                instance.seriesInstanceUid(), instance.sopInstanceUid(), instance.sopClassUid(),
                instance.modality() == null || instance.modality().isEmpty() ? null : instance.modality(),
                accessionNumber == null || accessionNumber.isEmpty() ? null : accessionNumber, stored.size(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), actor);
        String replaced;
        try {
            replaced = jdbi.inTransaction(h -> {
                String old = h.createQuery("SELECT file_id FROM integration_imaging_instance WHERE adapter_id = :a "
                        + "AND sop_instance_uid = :s").bind("a", adapterId).bind("s", row.sopInstanceUid())
                        .mapTo(String.class).findOne().orElse(null);
                if (old != null) {
                    h.createUpdate("DELETE FROM integration_imaging_instance WHERE adapter_id = :a "
                            + "AND sop_instance_uid = :s").bind("a", adapterId).bind("s", row.sopInstanceUid())
                            .execute();
                }
                h.createUpdate("INSERT INTO integration_imaging_instance (id, adapter_id, patient_id, study_uid, "
                        + "series_uid, sop_instance_uid, sop_class_uid, modality, accession_number, file_id, "
                        + "size_bytes, received_at, received_by) VALUES (:id, :adapterId, :patientId, "
                        + ":studyInstanceUid, :seriesInstanceUid, :sopInstanceUid, :sopClassUid, :modality, "
                        + ":accessionNumber, :fileId, :size, :receivedAt, :receivedBy)")
                        .bindMethods(row).bind("fileId", stored.id())
                        .bind("receivedAt", OffsetDateTime.ofInstant(row.receivedAt(), ZoneOffset.UTC)).execute();
                also.run(h, row);
                return old;
            });
        } catch (RuntimeException e) {
            files.delete(stored.id());
            throw e;
        }
        if (replaced != null) {
            files.delete(replaced);
        }
        return row;
    }

    List<Row> byPatient(String adapterId, String patientId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, adapter_id, patient_id, study_uid, series_uid, "
                + "sop_instance_uid, sop_class_uid, modality, accession_number, size_bytes, received_at, received_by "
                + "FROM integration_imaging_instance WHERE adapter_id = :a AND patient_id = :p "
                + "ORDER BY study_uid, series_uid, sop_instance_uid LIMIT :limit")
                .bind("a", adapterId).bind("p", patientId).bind("limit", limit).map((rs, ctx) -> new Row(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10),
                        rs.getObject(11, OffsetDateTime.class).toInstant(), rs.getString(12)))
                .list());
    }

    /** A retrieved instance of a study with where its content is (DICOMweb reads). */
    record Stored(String patientId, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
            String sopClassUid, String modality, String fileId, long size) {
    }

    /**
     * The retrieved instances of a study in a system, of one series and one instance when those are given (null:
     * all), in UID order; at most {@code limit}.
     */
    List<Stored> ofStudy(String adapterId, String studyUid, String seriesUid, String sopUid, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT patient_id, study_uid, series_uid, sop_instance_uid, "
                + "sop_class_uid, modality, file_id, size_bytes FROM integration_imaging_instance "
                + "WHERE adapter_id = :a AND study_uid = :st AND (CAST(:se AS VARCHAR) IS NULL OR series_uid = :se) "
                + "AND (CAST(:so AS VARCHAR) IS NULL OR sop_instance_uid = :so) "
                + "ORDER BY series_uid, sop_instance_uid LIMIT :limit")
                .bind("a", adapterId).bind("st", studyUid).bind("se", seriesUid).bind("so", sopUid)
                .bind("limit", limit).map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8)))
                .list());
    }

    /** Where an instance's content is. */
    record Content(String patientId, String adapterId, String fileId, String sopInstanceUid) {
    }

    Optional<Content> get(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT patient_id, adapter_id, file_id, sop_instance_uid "
                + "FROM integration_imaging_instance WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new Content(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .findOne());
    }

    InputStream open(String fileId) throws IOException {
        return files.open(fileId);
    }
}
