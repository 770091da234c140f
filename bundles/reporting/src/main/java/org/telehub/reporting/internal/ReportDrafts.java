package org.telehub.reporting.internal;

import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.reporting.DraftSource;

/**
 * A completed visit gets its report draft, so it is on the doctor's worklist when they turn to it (made once: a
 * repeated event finds the report there). A visit cancelled or missed has no report: a draft nobody has touched is
 * removed (one the doctor has written in stays; they decide).
 */
@Component(service = EncounterEventListener.class, property = EncounterEventListener.SUBSCRIBER + "="
        + ReportDrafts.SUBSCRIBER)
public class ReportDrafts implements EncounterEventListener {
    static final String SUBSCRIBER = "reports";

    private final Jdbi jdbi;
    private final ReportsImpl reports;

    @Activate
    public ReportDrafts(@Reference ReportSchema schema, @Reference ReportsImpl reports) {
        this.jdbi = schema.jdbi();
        this.reports = reports;
    }

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    @Override
    public void onEvent(EncounterEvent event) throws Exception {
        switch (event.type()) {
            case COMPLETED -> {
                Optional<Map<String, Object>> v = jdbi.withHandle(h -> h.createQuery("SELECT id, patient_id,"
                        + " doctor_id, type, chief_complaint, patient_notes, doctor_notes, status FROM encounter WHERE"
                        + " id = :e").bind("e", event.encounterId()).mapToMap().findOne());
                if (v.isPresent() && "completed".equals(v.get().get("status"))) {
                    Map<String, Object> r = v.get();
                    reports.create(new DraftSource.Visit((String) r.get("id"), (String) r.get("patient_id"),
                            (String) r.get("doctor_id"), (String) r.get("type"), (String) r.get("chief_complaint"),
                            (String) r.get("patient_notes"), (String) r.get("doctor_notes")), "system:reports");
                }
            }
            case CANCELLED, NO_SHOW -> reports.discardUntouched(event.encounterId());
            default -> {
            }
        }
    }
}
