package org.telehub.reporting.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.reporting.DraftSource;
import org.telehub.reporting.Reports.Content;

/**
 * What a new draft starts with: the visit's own words (the complaint and the patient's notes under Subjective, the
 * doctor's notes under Assessment), then what each registered {@link DraftSource} offers, in ranking order (highest
 * first), each part under its source's label. A source that fails or is slow to answer is left out; the draft is
 * made anyway.
 */
@Component(service = DraftSources.class)
public class DraftSources {
    private static final Logger LOG = LoggerFactory.getLogger(DraftSources.class);

    /** Each source with its ranking and service id: asked by ranking (highest first), then service id. */
    private final Map<DraftSource, long[]> sources = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(DraftSource s, Map<String, Object> props) {
        Object rank = props.get(Constants.SERVICE_RANKING);
        sources.put(s, new long[] {rank instanceof Integer i ? i : 0, (Long) props.get(Constants.SERVICE_ID)});
    }

    void removeSource(DraftSource s) {
        sources.remove(s);
    }

    private List<DraftSource> ordered() {
        return sources.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<DraftSource, long[]> e)
                -> -e.getValue()[0]).thenComparingLong(e -> e.getValue()[1])).map(Map.Entry::getKey).toList();
    }

    Content draft(DraftSource.Visit v, String language) {
        StringBuilder subjective = new StringBuilder();
        append(subjective, null, v.chiefComplaint());
        append(subjective, null, v.patientNotes());
        StringBuilder objective = new StringBuilder();
        for (DraftSource s : ordered()) {
            try {
                DraftSource.Part p = s.contribute(v);
                if (p != null) {
                    append(subjective, s.label(), p.subjective());
                    append(objective, s.label(), p.objective());
                }
            } catch (Exception e) {
                LOG.warn("Draft source '{}' failed for visit {}; the draft is made without its part: {}", s.label(),
                        v.encounterId(), e.toString());
            }
        }
        return new Content(language, blank(subjective), blank(objective), blank(v.doctorNotes()), null, List.of(),
                List.of(), List.of(), null);
    }

    private static void append(StringBuilder b, String label, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        if (b.length() > 0) {
            b.append("\n\n");
        }
        if (label != null) {
            b.append(label).append(": ");
        }
        b.append(text.strip());
    }

    private static String blank(CharSequence s) {
        return s == null || s.toString().isBlank() ? null : s.toString();
    }
}
