package org.telehub.core.encounter.internal.people;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.VisitContacts;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.EncounterStore;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.security.AccountContacts;

/**
 * {@link VisitContacts} from the encounter, its patient's record and its doctor's account (doctor records keep no
 * address: a doctor is written to at their account's, as reminders do).
 */
@Component(service = VisitContacts.class)
public class VisitContactsImpl implements VisitContacts {
    private final EncounterDb db;
    private final JoinLinks links;
    private volatile AccountContacts accounts;

    @Activate
    public VisitContactsImpl(@Reference EncounterDb db, @Reference JoinLinks links) {
        this.db = db;
        this.links = links;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void setAccounts(AccountContacts a) {
        accounts = a;
    }

    void unsetAccounts(AccountContacts a) {
        if (accounts == a) {
            accounts = null;
        }
    }

    @Override
    public Optional<Visit> of(String encounterId) {
        return db.jdbi().withHandle(h -> EncounterStore.encounter(h, encounterId).map(e -> {
            Doctor d = PeopleStore.doctor(h, e.doctorId()).orElseThrow();
            Patient p = PeopleStore.patient(h, e.patientId()).orElseThrow();
            return visit(e, d, p);
        }));
    }

    private Visit visit(Encounter e, Doctor d, Patient p) {
        AccountContacts a = accounts;
        String doctorEmail = a == null || d.username() == null ? null : a.email(d.username()).orElse(null);
        return new Visit(e.id(), e.status(), e.scheduledStart(), e.type(),
                new Person("patient", p.id(), p.username(), p.displayName(), p.email(), p.phone(),
                        p.timeZone() == null ? d.timeZone() : p.timeZone()),
                new Person("doctor", d.id(), d.username(), d.displayName(), doctorEmail, null, d.timeZone()),
                links.base() + "/encounters/" + e.id(), e.scheduledEnd());
    }
}
