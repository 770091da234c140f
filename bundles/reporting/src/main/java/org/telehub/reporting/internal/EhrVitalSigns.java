package org.telehub.reporting.internal;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.records.PatientRecords;
import org.telehub.reporting.DraftSource;

/**
 * The visit's vital signs from the patient's EHRs, under Objective: each observation of category
 * {@code vital-signs} taken from {@value #BEFORE_HOURS} hours before the visit began (the nurse's intake, the
 * patient's own readings that morning) until it ended, one line each, newest first, times in the doctor's zone.
 * Present while the Integration Manager runs (its {@link PatientRecords}); a system that cannot be read is named
 * in the log, and the draft is made with what the others gave.
 */
@Component(service = DraftSource.class, property = "service.ranking:Integer=100")
public class EhrVitalSigns implements DraftSource {
    private static final Logger LOG = LoggerFactory.getLogger(EhrVitalSigns.class);
    static final int BEFORE_HOURS = 4;
    /** At most this many lines: a draft is read, not a flowsheet. */
    static final int LIMIT = 30;

    private final PatientRecords records;

    @Activate
    public EhrVitalSigns(@Reference PatientRecords records) {
        this.records = records;
    }

    @Override
    public String label() {
        return "Vital signs (EHR)";
    }

    @Override
    public Part contribute(Visit visit) {
        if (visit.startedAt() == null) {
            return null;
        }
        Instant from = visit.startedAt().minus(Duration.ofHours(BEFORE_HOURS));
        Instant to = visit.endedAt() == null ? Instant.now() : visit.endedAt();
        // the search is by day (FHIR date precision); the window is applied to each observation's time here
        ObservationQuery q = new ObservationQuery("vital-signs", null, null, from.atZone(ZoneOffset.UTC).toLocalDate(),
                to.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1), 200);
        PatientRecords.Observations found = records.observations("system:reports", "draft of the report of visit "
                + visit.encounterId(), visit.patientId(), q);
        if (!found.unavailable().isEmpty()) {
            LOG.warn("Vital signs for the draft of visit {} are missing from: {}", visit.encounterId(),
                    found.unavailable());
        }
        String text = lines(found.values(), from, to, zone(visit.timeZone()));
        return text == null ? null : new Part(null, text);
    }

    /** One line per observation in the window: "Heart rate: 72 /min (10:42)"; null when none. */
    static String lines(List<ObservationValue> values, Instant from, Instant to, ZoneId zone) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
        DecimalFormat number = new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
        List<String> out = new ArrayList<>();
        for (ObservationValue v : values) {
            if (v.effective() == null || v.effective().isBefore(from) || v.effective().isAfter(to)) {
                continue;
            }
            String name = v.display() != null && !v.display().isBlank() ? v.display() : v.code();
            String value = v.value() != null ? number.format(v.value()) + (v.unit() == null ? "" : " " + v.unit())
                    : v.text();
            if (name == null || value == null) {
                continue;
            }
            out.add(name + ": " + value + " (" + time.format(v.effective()) + ")");
            if (out.size() == LIMIT) {
                break;
            }
        }
        return out.isEmpty() ? null : String.join("\n", out);
    }

    private static ZoneId zone(String id) {
        try {
            return id == null ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
