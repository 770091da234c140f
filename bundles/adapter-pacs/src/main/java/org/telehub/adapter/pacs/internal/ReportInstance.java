package org.telehub.adapter.pacs.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.ReportDocument;

/**
 * A report PDF as a DICOM Encapsulated PDF instance (PS3.3 A.45.1) in the patient's study, so that it shows beside
 * the images. Series and instance UIDs derive from the idempotency key: a retried delivery sends the same instance
 * again, which a PACS stores once.
 */
final class ReportInstance {
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    private ReportInstance() {
    }

    static String sopInstanceUid(String idempotencyKey) {
        return Identifiers.uid("telehub:report:instance:" + idempotencyKey);
    }

    /**
     * @param study the study the report joins (its patient and study attributes are copied), or null for a study of
     *            its own
     */
    static Path write(Path file, String patientId, ImagingStudy study, ReportDocument report, String idempotencyKey,
            String sourceAe) throws IOException {
        try {
            AttributeList l = new AttributeList();
            ZonedDateTime at = report.authoredAt() == null ? ZonedDateTime.now()
                    : report.authoredAt().atZone(ZoneId.systemDefault());
            String date = Identifiers.DA.format(at.toLocalDate()); // BASIC_ISO_DATE would add the offset
            String time = TM.format(at);
            Identifiers.put(l, TagFromName.SpecificCharacterSet, Identifiers.UTF8);
            Identifiers.put(l, TagFromName.SOPClassUID, SOPClass.EncapsulatedPDFStorage);
            Identifiers.put(l, TagFromName.SOPInstanceUID, sopInstanceUid(idempotencyKey));
            // patient and study: copied from the study, so the PACS files the report with its images
            Identifiers.put(l, TagFromName.PatientID, patientId);
            Identifiers.put(l, TagFromName.PatientName, study == null ? null : study.patientName());
            Identifiers.put(l, TagFromName.PatientBirthDate,
                    study == null || study.birthDate() == null ? null : Identifiers.DA.format(study.birthDate()));
            Identifiers.put(l, TagFromName.PatientSex, null);
            Identifiers.put(l, TagFromName.StudyInstanceUID, study == null
                    ? Identifiers.uid("telehub:report:study:" + idempotencyKey) : study.studyInstanceUid());
            Identifiers.put(l, TagFromName.StudyDate, study == null || study.studyDate() == null ? date
                    : Identifiers.DA.format(study.studyDate()));
            Identifiers.put(l, TagFromName.StudyTime, study == null ? time : null);
            Identifiers.put(l, TagFromName.AccessionNumber, study == null ? null : study.accessionNumber());
            Identifiers.put(l, TagFromName.ReferringPhysicianName, null);
            Identifiers.put(l, TagFromName.StudyID, null);
            // series and document
            Identifiers.put(l, TagFromName.SeriesInstanceUID, Identifiers.uid("telehub:report:series:" + idempotencyKey));
            Identifiers.put(l, TagFromName.Modality, "DOC");
            Identifiers.put(l, TagFromName.SeriesNumber, "9001");
            Identifiers.put(l, TagFromName.SeriesDescription, "Telehub report");
            Identifiers.put(l, TagFromName.InstanceNumber, "1");
            Identifiers.put(l, TagFromName.ContentDate, date);
            Identifiers.put(l, TagFromName.ContentTime, time);
            Identifiers.put(l, TagFromName.AcquisitionDateTime, date + time);
            Identifiers.put(l, TagFromName.Manufacturer, "Telehub");
            Identifiers.put(l, TagFromName.ConversionType, "WSD");
            Identifiers.put(l, TagFromName.BurnedInAnnotation, "YES");
            Identifiers.put(l, TagFromName.DocumentTitle, report.title());
            SequenceAttribute concept = new SequenceAttribute(TagFromName.ConceptNameCodeSequence);
            if (report.code() != null && !report.code().isBlank()) {
                concept.addItem(new CodedSequenceItem(report.code(), scheme(report.codeSystem()),
                        report.title() == null ? report.code() : report.title()).getAttributeList());
            }
            l.put(concept);
            Identifiers.put(l, TagFromName.MIMETypeOfEncapsulatedDocument, "application/pdf");
            byte[] pdf = report.content();
            // OB values have even length; PS3.3 says a PDF padded so keeps its real length elsewhere (not needed)
            byte[] even = pdf.length % 2 == 0 ? pdf : java.util.Arrays.copyOf(pdf, pdf.length + 1);
            Attribute doc = new OtherByteAttribute(TagFromName.EncapsulatedDocument);
            doc.setValues(even);
            l.put(doc);
            DicomFiles.inUtf8(l); // the concept name's meaning (the report's title) too
            FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, sourceAe);
            l.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            return file;
        } catch (DicomException e) {
            throw new IOException("cannot build the Encapsulated PDF instance: " + e.getMessage(), e);
        }
    }

    /** LOINC when none is given; a URI DICOM has no designator for here as a local scheme. */
    private static String scheme(String system) {
        if (system == null || system.isBlank()) {
            return "LN";
        }
        String designator = DicomFiles.codingScheme(system);
        return designator != null ? designator : "99TELEHUB";
    }
}
