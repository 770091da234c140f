package org.telehub.adapter.endoscopy.internal;

import static org.telehub.dicom.net.DicomFiles.put;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnlimitedCharactersAttribute;
import com.pixelmed.dicom.UnlimitedTextAttribute;

import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisResult;

/**
 * An analysis result as a DICOM Comprehensive SR in the procedure's study: a TID 1500 Imaging Measurement Report
 * whose one TID 1501 measurement group holds the finding (coded, DCM 121071), the confidence as a NUM (DCM 111012
 * Certainty of Finding, in percent), the algorithm (TID 4019) and the words (a qualitative evaluation, UMLS C0034375).
 * Every value is UTF-8. The observer is the algorithm as a
 * device (TID 1004) or, without one, the hub. Series and instance UIDs derive from the delivery's idempotency key:
 * a retried delivery writes the same instance, which an archive keeps once.
 */
final class AnalysisReport {
    static final String TEMPLATE = "1500";
    static final String SOP_CLASS = SOPClass.ComprehensiveSRStorage;
    /** yyyyMMdd of a local date (of a zoned one BASIC_ISO_DATE would add the offset, which DA does not allow). */
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[] {DicomFiles.UTF8});
    /** (0008,0119) Long Code Value, UC. */
    private static final AttributeTag LONG_CODE_VALUE = new AttributeTag(0x0008, 0x0119);
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    /** The procedure the result is about, as the worklist and the performed steps know it. */
    record Procedure(String patientId, String patientName, String studyInstanceUid, String accessionNumber,
            String description) {
    }

    private AnalysisReport() {
    }

    static String sopInstanceUid(String idempotencyKey) {
        return DicomFiles.nameUid("telehub:analysis:instance:" + idempotencyKey);
    }

    static String seriesInstanceUid(String idempotencyKey) {
        return DicomFiles.nameUid("telehub:analysis:series:" + idempotencyKey);
    }

    /**
     * Writes the SR to {@code file}.
     *
     * @throws AdapterException (not retryable) for a result no SR can carry: a code system DICOM has no designator
     *             for here
     */
    static void write(Path file, Procedure p, AnalysisResult r, String idempotencyKey, Instant at, ZoneId zone,
            String sourceAe) throws IOException, AdapterException {
        CodedSequenceItem finding = null;
        if (r.findingCode() != null) {
            String scheme = DicomFiles.codingScheme(r.findingCodeSystem());
            if (scheme == null) {
                throw new AdapterException("analysis.findingCodeSystem: DICOM has no coding scheme designator for '"
                        + r.findingCodeSystem() + "' here; give one (e.g. SCT) or a known URI such as "
                        + "http://snomed.info/sct", false);
            }
            finding = code(r.findingCode(), scheme, meaning(r.findingDisplay() != null ? r.findingDisplay()
                    : r.summary()));
        }
        try {
            ContentItemFactory f = new ContentItemFactory();
            ContentItem root = f.makeContainerContentItem(null, null, dcm("126000", "Imaging Measurement Report"),
                    true, "DCMR", TEMPLATE);
            // TID 1204: the language of the words in it
            f.makeCodeContentItem(root, "HAS CONCEPT MOD", dcm("121049", "Language of Content Item and Descendants"),
                    code("en", "RFC5646", "English"));
            // TID 1001/1004: who observed — the algorithm, a device; without one the hub that filed a person's words
            f.makeCodeContentItem(root, "HAS OBS CONTEXT", dcm("121005", "Observer Type"), dcm("121007", "Device"));
            String observer = r.algorithmName() != null ? r.algorithmName() : "Telehub";
            f.makeUIDContentItem(root, "HAS OBS CONTEXT", dcm("121012", "Device Observer UID"), DicomFiles.nameUid(
                    "telehub:analysis:device:" + observer + "|" + (r.algorithmVersion() == null ? ""
                            : r.algorithmVersion())));
            f.makeTextContentItem(root, "HAS OBS CONTEXT", dcm("121013", "Device Observer Name"), observer);
            f.makeCodeContentItem(root, "HAS CONCEPT MOD", dcm("121058", "Procedure reported"),
                    code("423827005", "SCT", "Endoscopy"));
            f.makeContainerContentItem(root, "CONTAINS", dcm("111028", "Image Library"), true);
            ContentItem measurements = f.makeContainerContentItem(root, "CONTAINS",
                    dcm("126010", "Imaging Measurements"), true);
            ContentItem group = f.makeContainerContentItem(measurements, "CONTAINS", dcm("125007",
                    "Measurement Group"), true, "DCMR", "1501");
            f.makeTextContentItem(group, "HAS OBS CONTEXT", dcm("112039", "Tracking Identifier"), r.summary());
            f.makeUIDContentItem(group, "HAS OBS CONTEXT", dcm("112040", "Tracking Unique Identifier"),
                    DicomFiles.nameUid("telehub:analysis:tracking:" + idempotencyKey));
            if (finding != null) {
                f.makeCodeContentItem(group, "HAS CONCEPT MOD", dcm("121071", "Finding"), finding);
            }
            if (r.algorithmName() != null) {
                // TID 4019
                f.makeTextContentItem(group, "HAS CONCEPT MOD", dcm("111001", "Algorithm Name"), r.algorithmName());
                f.makeTextContentItem(group, "HAS CONCEPT MOD", dcm("111003", "Algorithm Version"),
                        r.algorithmVersion() == null ? "unknown" : r.algorithmVersion());
            }
            if (r.confidence() != null) {
                String percent = percent(r.confidence());
                f.makeNumericContentItem(group, "CONTAINS", dcm("111012", "Certainty of Finding"), percent,
                        code("%", "UCUM", "Percent"));
            }
            f.makeTextContentItem(group, "CONTAINS", code("C0034375", "UMLS", "Qualitative Evaluations"),
                    r.details() == null ? r.summary() : r.summary() + "\n" + r.details());

            AttributeList l = new StructuredReport(root).getAttributeList();
            ZonedDateTime when = at.atZone(zone);
            header(l, p, SOP_CLASS, sopInstanceUid(idempotencyKey), seriesInstanceUid(idempotencyKey), "9002",
                    "Telehub analysis", "SR", when);
            // SR document general
            put(l, TagFromName.CompletionFlag, "COMPLETE");
            put(l, TagFromName.VerificationFlag, "UNVERIFIED");
            l.put(new SequenceAttribute(TagFromName.PerformedProcedureCodeSequence));
            // every value in UTF-8, the content tree's too: PixelMed builds those without a character set, which
            // writes them in the JVM's default charset (ASCII on a host with a POSIX locale)
            DicomFiles.inUtf8(l);
            texts(root, l);
            FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, sourceAe);
            l.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        } catch (DicomException e) {
            throw new IOException("cannot build the structured report: " + e.getMessage(), e);
        }
    }

    /** A confidence from 0 to 1 as a percentage to one decimal, without trailing zeros (0.934 → 93.4, 0.93 → 93). */
    static String percent(double confidence) {
        return BigDecimal.valueOf(confidence * 100).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    /**
     * What every instance the hub makes for a procedure carries: SOP common, the procedure's patient and study (so
     * the archive files it with the procedure's images), its own series, equipment and content date.
     */
    static void header(AttributeList l, Procedure p, String sopClass, String sopInstanceUid, String seriesUid,
            String seriesNumber, String seriesDescription, String modality, ZonedDateTime when) {
        put(l, TagFromName.SpecificCharacterSet, DicomFiles.UTF8);
        put(l, TagFromName.SOPClassUID, sopClass);
        put(l, TagFromName.SOPInstanceUID, sopInstanceUid);
        put(l, TagFromName.InstanceCreationDate, DA.format(when.toLocalDate()));
        put(l, TagFromName.InstanceCreationTime, TM.format(when));
        put(l, TagFromName.PatientID, p.patientId());
        put(l, TagFromName.PatientName, p.patientName());
        put(l, TagFromName.PatientBirthDate, null);
        put(l, TagFromName.PatientSex, null);
        put(l, TagFromName.StudyInstanceUID, p.studyInstanceUid());
        put(l, TagFromName.StudyDate, null);
        put(l, TagFromName.StudyTime, null);
        put(l, TagFromName.AccessionNumber, p.accessionNumber());
        put(l, TagFromName.ReferringPhysicianName, null);
        put(l, TagFromName.StudyID, null);
        put(l, TagFromName.Modality, modality);
        put(l, TagFromName.SeriesInstanceUID, seriesUid);
        put(l, TagFromName.SeriesNumber, seriesNumber);
        put(l, TagFromName.SeriesDescription, seriesDescription);
        put(l, TagFromName.Manufacturer, "Telehub");
        l.put(new SequenceAttribute(TagFromName.ReferencedPerformedProcedureStepSequence));
        put(l, TagFromName.InstanceNumber, "1");
        put(l, TagFromName.ContentDate, DA.format(when.toLocalDate()));
        put(l, TagFromName.ContentTime, TM.format(when));
    }

    private static CodedSequenceItem dcm(String value, String meaning) throws DicomException {
        return new CodedSequenceItem(value, "DCM", meaning);
    }

    /**
     * A content item's text (TEXT: Text Value, UT) made again in UTF-8 from the item's own string, and its children's:
     * PixelMed encodes a text value when it builds the item's attributes, so what the default charset could not
     * hold is gone from the attribute by then. The tree and the data set have the same shape.
     */
    private static void texts(ContentItem item, AttributeList list) throws DicomException {
        if (list.get(TagFromName.TextValue) != null) {
            UnlimitedTextAttribute text = new UnlimitedTextAttribute(TagFromName.TextValue, UTF8);
            text.addValue(item.getConceptValue());
            list.put(text);
        }
        if (list.get(TagFromName.ContentSequence) instanceof SequenceAttribute children) {
            for (int i = 0; i < item.getChildCount() && i < children.getNumberOfItems(); i++) {
                texts((ContentItem) item.getChildAt(i), children.getItem(i).getAttributeList());
            }
        }
    }

    /**
     * A coded entry; a code longer than Code Value's 16 characters (an 18-digit SNOMED CT extension id) as Long Code
     * Value (PS3.3 8.8).
     */
    private static CodedSequenceItem code(String value, String scheme, String meaning) {
        try {
            if (value.length() <= 16) {
                return new CodedSequenceItem(value, scheme, meaning);
            }
            AttributeList item = new AttributeList();
            // PixelMed's dictionary has no Long Code Value: the attribute is made with its VR (UC)
            UnlimitedCharactersAttribute longValue = new UnlimitedCharactersAttribute(LONG_CODE_VALUE);
            longValue.addValue(value);
            item.put(longValue);
            put(item, TagFromName.CodingSchemeDesignator, scheme);
            put(item, TagFromName.CodeMeaning, meaning);
            return new CodedSequenceItem(item);
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot code " + value + ": " + e.getMessage(), e);
        }
    }

    /** Code Meaning is one LO value: at most 64 characters, no backslash. */
    static String meaning(String text) {
        String one = text.replace('\\', '/').replaceAll("\\p{Cntrl}", " ").strip();
        return one.length() <= 64 ? one : one.substring(0, 63) + "…";
    }
}
