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
                Optional<Map<String, Object>> v = jdbi.withHandle(h -> h.createQuery("SELECT e.id, e.patient_id,"
                        + " e.doctor_id, e.type, e.chief_complaint, e.patient_notes, e.doctor_notes, e.status,"
                        + " e.actual_start, e.actual_end, d.time_zone FROM encounter e JOIN encounter_doctor d ON"
                        + " d.id = e.doctor_id WHERE e.id = :e").bind("e", event.encounterId()).mapToMap().findOne());
                if (v.isPresent() && "completed".equals(v.get().get("status"))) {
                    Map<String, Object> r = v.get();
                    reports.create(new DraftSource.Visit((String) r.get("id"), (String) r.get("patient_id"),
                            (String) r.get("doctor_id"), (String) r.get("type"), (String) r.get("chief_complaint"),
                            (String) r.get("patient_notes"), (String) r.get("doctor_notes"),
                            instant(r.get("actual_start")), instant(r.get("actual_end")),
                            (String) r.get("time_zone")), "system:reports");
                }
            }
            case CANCELLED, NO_SHOW -> reports.discardUntouched(event.encounterId());
            default -> {
            }
        }
    }

    private static java.time.Instant instant(Object timestamp) {
        return timestamp == null ? null : ((java.sql.Timestamp) timestamp).toInstant();
    }
}
