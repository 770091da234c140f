package org.telehub.core.encounter.internal.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Exports everything the hub holds about one patient, from every registered {@link PatientDataContributor}: a zip
 * of {@code bundle.json} (a FHIR R4 Bundle of type {@code collection}) and {@code files/…} (decrypted). The research
 * export runs the same contributors through an {@link Anonymiser} and carries no files.
 *
 * <p>Who may: the system administrator and the export role, checked here (not only in the REST resource), before
 * anything is read. Each export is audited ({@code patient.export}, {@code patient.export.anonymised}) with the
 * patient's id before the first byte leaves, so a disclosure is never unrecorded; a refused one is not an export.
 */
@Component(service = PatientExport.class)
public class PatientExport {
    static final String FULL = "patient.export";
    static final String ANONYMISED = "patient.export.anonymised";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final EncounterDb db;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();
    private final List<PatientDataContributor> contributors = new CopyOnWriteArrayList<>();

    @Activate
    public PatientExport(@Reference EncounterDb db, @Reference AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeContributor")
    public void addContributor(PatientDataContributor c) {
        contributors.add(c);
    }

    public void removeContributor(PatientDataContributor c) {
        contributors.remove(c);
    }

    /** The contributors registered now, by name. */
    public List<PatientDataContributor> contributors() {
        List<PatientDataContributor> l = new ArrayList<>(contributors);
        l.sort(Comparator.comparing(PatientDataContributor::name));
        return l;
    }

    /** An export checked and audited, ready to write. */
    public interface Export {
        /** The zip's file name (without the patient's id in the research export). */
        String fileName();

        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Checks the caller (403) and the patient (404), audits the export, and returns it to write.
     *
     * @param freeText with {@code anonymised} only: include free text (scrubbed of the PHI the hub knows)
     */
    public Export open(AuthenticatedUser caller, String patientId, boolean anonymised, boolean freeText) {
        if (!caller.hasRole(Roles.ADMIN) && !caller.hasRole(Roles.EXPORT)) {
            throw new ForbiddenException("Exporting a patient's data needs the system administrator or export role");
        }
        if (freeText && !anonymised) {
            throw new InvalidException("freeText", "Only with anonymised=true: the full export always has free text");
        }
        boolean exists = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM encounter_patient"
                + " WHERE id = :id").bind("id", patientId).mapTo(Long.class).one() > 0);
        if (!exists) {
            throw new NotFoundException("No patient " + patientId);
        }
        List<PatientDataContributor> using = contributors();
        audit.record(caller, anonymised ? ANONYMISED : FULL, patientId, List.of(), "ok" + (freeText
                ? " with free text" : "") + "; " + String.join(",", using.stream().map(PatientDataContributor::name)
                        .toList()));
        return new Export() {
            @Override
            public String fileName() {
                return anonymised ? "patient-anonymised.zip" : "patient-" + patientId + ".zip";
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                write(using, patientId, anonymised ? new Anonymiser(freeText, random) : null, out);
            }
        };
    }

    static void write(List<PatientDataContributor> using, String patientId, Anonymiser anonymiser,
            OutputStream out) throws IOException {
        Disclosure d = anonymiser == null ? FULL_DISCLOSURE : anonymiser;
        ZipOutputStream zip = new ZipOutputStream(out);
        Collector sink = new Collector(zip, anonymiser == null);
        for (PatientDataContributor c : using) {
            c.contribute(patientId, d, sink);
        }
        List<Object> entries = new ArrayList<>();
        for (Map<String, Object> r : sink.resources.values()) {
            entries.add(Fhir.obj("resource", anonymiser == null ? r : anonymiser.finish(r)));
        }
        Map<String, Object> bundle = Fhir.obj("resourceType", "Bundle", "type", "collection",
                "timestamp", d.instant(Instant.now()).toString(), "entry", entries);
        zip.putNextEntry(new ZipEntry("bundle.json"));
        zip.write(JSON.writeValueAsBytes(bundle));
        zip.closeEntry();
        zip.finish();
    }

    /** Resources merged by type and id; files straight into the zip (full export only). */
    static final class Collector implements PatientDataSink {
        final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        private final ZipOutputStream zip;
        private final boolean files;

        Collector(ZipOutputStream zip, boolean files) {
            this.zip = zip;
            this.files = files;
        }

        @Override
        public synchronized void resource(Map<String, Object> resource) {
            String key = resource.get("resourceType") + "/" + resource.get("id");
            Map<String, Object> had = resources.get(key);
            if (had == null) {
                resources.put(key, new LinkedHashMap<>(resource));
                return;
            }
            for (Map.Entry<String, Object> e : resource.entrySet()) {
                Object old = had.get(e.getKey());
                if (old instanceof List<?> a && e.getValue() instanceof List<?> b) {
                    List<Object> both = new ArrayList<>(a);
                    both.addAll(b);
                    had.put(e.getKey(), both);
                } else if (old == null) {
                    had.put(e.getKey(), e.getValue());
                }
            }
        }

        @Override
        public synchronized void file(String name, String mediaType, InputStream content) throws IOException {
            if (!files) {
                return;
            }
            if (name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IllegalArgumentException("Not a relative file name: " + name);
            }
            ZipEntry entry = new ZipEntry("files/" + name);
            entry.setComment(mediaType);
            zip.putNextEntry(entry);
            content.transferTo(zip);
            zip.closeEntry();
        }
    }

    /** The full export: everything as it is. */
    static final Disclosure FULL_DISCLOSURE = new Disclosure() {
        @Override
        public boolean anonymised() {
            return false;
        }

        @Override
        public String id(String kind, String value) {
            return value;
        }

        @Override
        public String identifying(String value) {
            return value;
        }

        @Override
        public String freeText(String value) {
            return value;
        }

        @Override
        public Instant instant(Instant value) {
            return value;
        }

        @Override
        public LocalDate date(LocalDate value) {
            return value;
        }
    };
}
