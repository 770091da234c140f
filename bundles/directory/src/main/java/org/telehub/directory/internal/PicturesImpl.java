package org.telehub.directory.internal;

import static org.telehub.directory.internal.Access.clinicAdminOf;
import static org.telehub.directory.internal.Access.reader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.directory.Directory;
import org.telehub.directory.DirectoryPictures;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.NotFoundException;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Pictures in the encrypted file store ({@code directory-picture} files), their ids on {@code directory_profile} and
 * {@code directory_clinic}. A new picture is stored before its row points at it, and the old one deleted after that
 * row committed; a crash between the two leaves an unreferenced file, never a row pointing at nothing.
 */
@Component(service = DirectoryPictures.class)
public class PicturesImpl implements DirectoryPictures {
    static final int PHOTO_SIDE = 512;
    static final int LOGO_SIDE = 1024;
    private static final String CATEGORY = "directory-picture";
    private static final Logger LOG = LoggerFactory.getLogger(PicturesImpl.class);

    private final Jdbi jdbi;
    private final FileStore files;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public PicturesImpl(@Reference Database database, @Reference Directory directory, @Reference FileStore files) {
        this(database.jdbi(), files);
    }

    PicturesImpl(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    // ---- who may

    /** Signed in, or the public where one of the doctor's clinics publishes profiles; 404 otherwise and if absent. */
    private static void mayRead(Handle h, AuthenticatedUser caller, String doctorId) {
        if (caller != null) {
            reader(caller);
        }
        boolean visible = h.createQuery(caller == null
                ? "SELECT EXISTS (SELECT 1 FROM directory_clinic_doctor m JOIN directory_clinic c ON c.id = m.clinic_id"
                        + " WHERE m.doctor_id = :id AND c.public_profiles)"
                : "SELECT EXISTS (SELECT 1 FROM directory_profile WHERE doctor_id = :id)").bind("id", doctorId)
                .mapTo(Boolean.class).one();
        if (!visible) {
            throw new NotFoundException("No doctor " + doctorId);
        }
    }

    private static void mayReadClinic(Handle h, AuthenticatedUser caller, String clinicId) {
        if (caller != null) {
            reader(caller);
        }
        boolean visible = h.createQuery("SELECT EXISTS (SELECT 1 FROM directory_clinic WHERE id = :id"
                + (caller == null ? " AND public_profiles)" : ")")).bind("id", clinicId).mapTo(Boolean.class).one();
        if (!visible) {
            throw new NotFoundException("No clinic " + clinicId);
        }
    }

    private static void mayEditDoctor(Handle h, AuthenticatedUser caller, String doctorId) {
        reader(caller);
        if (h.createQuery("SELECT count(*) FROM directory_profile WHERE doctor_id = :d").bind("d", doctorId)
                .mapTo(Integer.class).one() == 0) {
            throw new NotFoundException("No doctor " + doctorId);
        }
        if (!Access.mayEdit(h, caller, doctorId)) {
            throw new ForbiddenException("Only the doctor, their clinic's administrator or an administrator changes"
                    + " the doctor's photo");
        }
    }

    private static void mayEditClinic(Handle h, AuthenticatedUser caller, String clinicId) {
        reader(caller);
        String name = h.createQuery("SELECT name FROM directory_clinic WHERE id = :c").bind("c", clinicId)
                .mapTo(String.class).findOne().orElseThrow(() -> new NotFoundException("No clinic " + clinicId));
        if (!caller.hasRole(Roles.ADMIN) && !clinicAdminOf(caller, name)) {
            throw new ForbiddenException("Only an administrator or the clinic's administrator changes its logo");
        }
    }

    // ---- reading

    private Picture load(Optional<String> fileId, String what) {
        String id = fileId.orElseThrow(() -> new NotFoundException(what + " has none"));
        StoredFile f = files.find(id).orElseThrow(() -> new NotFoundException(what + " has none"));
        try (InputStream in = files.open(id)) {
            return new Picture(f.contentType(), in.readAllBytes(), id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Picture photo(AuthenticatedUser caller, String doctorId) {
        return load(jdbi.withHandle(h -> {
            mayRead(h, caller, doctorId);
            return h.createQuery("SELECT photo_file FROM directory_profile WHERE doctor_id = :d").bind("d", doctorId)
                    .mapTo(String.class).findOne();
        }), "The doctor");
    }

    @Override
    public Picture logo(AuthenticatedUser caller, String clinicId) {
        return load(jdbi.withHandle(h -> {
            mayReadClinic(h, caller, clinicId);
            return h.createQuery("SELECT logo_file FROM directory_clinic WHERE id = :c").bind("c", clinicId)
                    .mapTo(String.class).findOne();
        }), "The clinic");
    }

    // ---- changing

    /** Re-encodes and stores the upload; the stored file's id. */
    private String store(InputStream image, int side, boolean png) {
        try {
            ImageSanitiser.Picture p = ImageSanitiser.sanitised(ImageSanitiser.read(image), side, png);
            return files.put(new ByteArrayInputStream(p.bytes()), p.contentType(), CATEGORY).id();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the row at {@code fileId} (null: none) and deletes the file it pointed at, once that committed. */
    private void swap(String table, String column, String key, String id, String fileId) {
        String old;
        try {
            old = jdbi.inTransaction(h -> {
                String before = h.createQuery("SELECT " + column + " FROM " + table + " WHERE " + key + " = :id FOR"
                        + " UPDATE").bind("id", id).mapTo(String.class).findOne().orElse(null);
                h.createUpdate("UPDATE " + table + " SET " + column + " = :f WHERE " + key + " = :id").bind("f", fileId)
                        .bind("id", id).execute();
                return before;
            });
        } catch (RuntimeException e) {
            deleteQuietly(fileId);
            throw e;
        }
        deleteQuietly(old);
    }

    private void deleteQuietly(String fileId) {
        if (fileId == null) {
            return;
        }
        try {
            files.delete(fileId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("A replaced picture {} was not deleted (an unreferenced file is left): {}", fileId, e.toString());
        }
    }

    @Override
    public String putPhoto(AuthenticatedUser caller, String doctorId, InputStream image) {
        jdbi.useHandle(h -> mayEditDoctor(h, caller, doctorId));
        String file = store(image, PHOTO_SIDE, false);
        swap("directory_profile", "photo_file", "doctor_id", doctorId, file);
        return file;
    }

    @Override
    public void deletePhoto(AuthenticatedUser caller, String doctorId) {
        jdbi.useHandle(h -> mayEditDoctor(h, caller, doctorId));
        swap("directory_profile", "photo_file", "doctor_id", doctorId, null);
    }

    @Override
    public String putLogo(AuthenticatedUser caller, String clinicId, InputStream image) {
        jdbi.useHandle(h -> mayEditClinic(h, caller, clinicId));
        String file = store(image, LOGO_SIDE, true);
        swap("directory_clinic", "logo_file", "id", clinicId, file);
        return file;
    }

    @Override
    public void deleteLogo(AuthenticatedUser caller, String clinicId) {
        jdbi.useHandle(h -> mayEditClinic(h, caller, clinicId));
        swap("directory_clinic", "logo_file", "id", clinicId, null);
    }
}
