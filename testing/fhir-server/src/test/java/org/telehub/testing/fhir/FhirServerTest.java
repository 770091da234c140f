package org.telehub.testing.fhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server as other modules use it: a child JVM started by {@link FhirServerProcess}, driven with HAPI's
 * generic client over HTTP. One server for the class; each test uses its own identifiers.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FhirServerTest {

    private static final String MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1";
    private static final String LOINC = "http://loinc.org";
    private static final String OBSERVATION_IDS = "urn:telehub:test:observation";

    private static FhirServerProcess server;
    private static IGenericClient client;

    @BeforeAll
    static void start() {
        server = FhirServerProcess.start(Path.of("target", "fhir-server-test").toAbsolutePath());
        System.out.printf("FHIR server at %s started in %d ms (launch to ready), RSS %s%n", server.baseUrl(),
                server.startTime().toMillis(), rss(server.pid()).orElse("unknown"));
        FhirContext fhir = FhirContext.forR4Cached();
        client = fhir.newRestfulGenericClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            System.out.printf("FHIR server RSS before stop: %s%n", rss(server.pid()).orElse("unknown"));
            server.close();
        }
    }

    @Test
    void patientIsFoundByIdentifierAndByFamilyAndBirthDate() {
        IdType id = createPatient("MRN-1", "Rossi", "1980-03-21");

        Bundle byIdentifier = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(MRN_SYSTEM, "MRN-1"))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(id.getIdPart()), ids(byIdentifier));

        Bundle byFamilyAndBirthDate = client.search().forResource(Patient.class)
                .where(Patient.FAMILY.matches().value("Rossi"))
                .and(Patient.BIRTHDATE.exactly().day("1980-03-21"))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(id.getIdPart()), ids(byFamilyAndBirthDate));

        Bundle otherBirthDate = client.search().forResource(Patient.class)
                .where(Patient.FAMILY.matches().value("Rossi"))
                .and(Patient.BIRTHDATE.exactly().day("1980-03-22"))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(), ids(otherBirthDate));
    }

    @Test
    void conditionalCreateMakesOneObservationFoundByPatientAndCode() {
        IdType patient = createPatient("MRN-2", "Bianchi", "1975-05-09");
        Observation heartRate = new Observation();
        heartRate.setStatus(Observation.ObservationStatus.FINAL);
        heartRate.addIdentifier().setSystem(OBSERVATION_IDS).setValue("obs-1");
        heartRate.getCode().addCoding().setSystem(LOINC).setCode("8867-4").setDisplay("Heart rate");
        heartRate.setSubject(new Reference(patient.toUnqualifiedVersionless()));
        heartRate.setValue(new Quantity().setValue(72).setUnit("/min").setSystem("http://unitsofmeasure.org")
                .setCode("/min"));
        heartRate.setEffective(new org.hl7.fhir.r4.model.DateTimeType(new Date()));

        String ifNoneExist = "identifier=" + OBSERVATION_IDS + "|obs-1";
        MethodOutcome first = client.create().resource(heartRate).conditionalByUrl("Observation?" + ifNoneExist)
                .execute();
        MethodOutcome second = client.create().resource(heartRate).conditionalByUrl("Observation?" + ifNoneExist)
                .execute();
        assertTrue(first.getCreated());
        assertFalse(Boolean.TRUE.equals(second.getCreated()), "the second create matched the first");
        assertEquals(first.getId().getIdPart(), second.getId().getIdPart());

        Bundle byIdentifier = client.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(OBSERVATION_IDS, "obs-1"))
                .returnBundle(Bundle.class).execute();
        assertEquals(1, byIdentifier.getEntry().size());

        Bundle byPatientAndCode = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId(patient.toUnqualifiedVersionless()))
                .and(Observation.CODE.exactly().systemAndCode(LOINC, "8867-4"))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(first.getId().getIdPart()), ids(byPatientAndCode));

        Bundle otherCode = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId(patient.toUnqualifiedVersionless()))
                .and(Observation.CODE.exactly().systemAndCode(LOINC, "8480-6"))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(), ids(otherCode));
    }

    @Test
    void danglingReferenceIsRefusedWith400() {
        Observation orphan = new Observation();
        orphan.setStatus(Observation.ObservationStatus.FINAL);
        orphan.getCode().addCoding().setSystem(LOINC).setCode("8867-4");
        orphan.setSubject(new Reference("Patient/does-not-exist"));

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> client.create().resource(orphan).execute());
        assertEquals(400, refused.getStatusCode());
        assertTrue(refused.getMessage().contains("HAPI-1094"), refused.getMessage());
    }

    @Test
    void diagnosticReportKeepsItsPdf() {
        IdType patient = createPatient("MRN-3", "Verdi", "1990-01-01");
        byte[] pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
                .getBytes(StandardCharsets.US_ASCII);
        DiagnosticReport report = new DiagnosticReport();
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.getCode().addCoding().setSystem(LOINC).setCode("11526-1").setDisplay("Pathology study");
        report.setSubject(new Reference(patient.toUnqualifiedVersionless()));
        report.addPresentedForm(new Attachment().setContentType("application/pdf").setData(pdf)
                .setTitle("report.pdf"));

        MethodOutcome created = client.create().resource(report).execute();
        assertTrue(created.getCreated());

        DiagnosticReport read = client.read().resource(DiagnosticReport.class)
                .withId(created.getId().toUnqualifiedVersionless()).execute();
        assertEquals("application/pdf", read.getPresentedFormFirstRep().getContentType());
        assertArrayEquals(pdf, read.getPresentedFormFirstRep().getData());
    }

    @Test
    void clientAssignedIdIsKept() {
        Patient patient = new Patient();
        patient.setId("telehub-p1");
        patient.addName().setFamily("Neri");
        MethodOutcome outcome = client.update().resource(patient).execute();
        assertEquals("telehub-p1", outcome.getId().getIdPart());
        assertNotEquals(null, client.read().resource(Patient.class).withId("telehub-p1").execute());
    }

    private static IdType createPatient(String mrn, String family, String birthDate) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn);
        patient.addName().setFamily(family).addGiven("Maria");
        patient.setGender(AdministrativeGender.FEMALE);
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
        MethodOutcome outcome = client.create().resource(patient).execute();
        assertTrue(outcome.getCreated());
        return (IdType) outcome.getId().toUnqualifiedVersionless();
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    /** The child's resident memory, on Linux. */
    private static Optional<String> rss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:")).map(line -> line.substring(6).trim()).findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
