package org.telehub.domain.patientdata;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A contributor's part of a patient's export, as the tests of every contributor run it: the full export (everything
 * as it is) or the research one (ids hashed, names and free text left out), and what it wrote.
 */
public final class TestExports {

    /** What an export wrote: its resources, and its files as "name type size". */
    public record Export(List<Map<String, Object>> resources, List<String> files) {
    }

    private TestExports() {
    }

    public static Export run(PatientDataContributor contributor, String patientId, boolean anonymised)
            throws IOException {
        List<Map<String, Object>> resources = new ArrayList<>();
        List<String> files = new ArrayList<>();
        contributor.contribute(patientId, disclosure(anonymised), new PatientDataSink() {
            @Override
            public void resource(Map<String, Object> resource) {
                resources.add(resource);
            }

            @Override
            public void file(String name, String mediaType, InputStream content) throws IOException {
                files.add(name + " " + mediaType + " " + content.readAllBytes().length);
            }
        });
        return new Export(resources, files);
    }

    /** The full disclosure, or the research one: ids hashed ("x" and hex), names and free text left out. */
    public static Disclosure disclosure(boolean anonymised) {
        return new Disclosure() {
            @Override
            public boolean anonymised() {
                return anonymised;
            }

            @Override
            public String id(String kind, String value) {
                return value == null ? null : anonymised ? "x" + Integer.toHexString((kind + value).hashCode()) : value;
            }

            @Override
            public String identifying(String value) {
                return anonymised ? null : value;
            }

            @Override
            public String freeText(String value) {
                return anonymised ? null : value;
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
}
