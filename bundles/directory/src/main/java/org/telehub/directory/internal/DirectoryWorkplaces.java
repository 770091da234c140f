package org.telehub.directory.internal;

import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.Workplaces;
import org.telehub.directory.Directory;
import org.telehub.persistence.Database;

/**
 * Tells the scheduling who works where: the directory's clinics and their doctors. Working hours at a clinic are
 * accepted only for one of its doctors; a doctor leaves a clinic only once they have no hours there ({@link
 * DirectoryImpl}).
 */
@Component(service = Workplaces.class)
public class DirectoryWorkplaces implements Workplaces {
    private final Jdbi jdbi;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public DirectoryWorkplaces(@Reference Database database, @Reference Directory directory) {
        this(database.jdbi());
    }

    DirectoryWorkplaces(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<String> clinicName(String clinicId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM directory_clinic WHERE id = :id")
                .bind("id", clinicId).mapTo(String.class).findOne());
    }

    @Override
    public boolean worksAt(String doctorId, String clinicId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM directory_clinic_doctor WHERE"
                + " clinic_id = :c AND doctor_id = :d)").bind("c", clinicId).bind("d", doctorId)
                .mapTo(Boolean.class).one());
    }
}
