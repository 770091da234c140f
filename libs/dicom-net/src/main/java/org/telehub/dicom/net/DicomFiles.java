package org.telehub.dicom.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * Reading what arrived (a received file's attributes and the checks every value from a peer needs) and writing what
 * the hub makes: text values in UTF-8, UIDs derived from names, coding schemes named as DICOM names them.
 */
public final class DicomFiles {
    /** Specific Character Set of everything the hub writes: UTF-8. */
    public static final String UTF8 = "ISO_IR 192";
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final SpecificCharacterSet CHARSET = new SpecificCharacterSet(new String[] {UTF8});
    /** A coding scheme designator (PS3.3 8.2): SH, and in practice letters, digits, '.', '_' and '-'. */
    private static final Pattern DESIGNATOR = Pattern.compile("[A-Za-z0-9._-]{1,16}");
    /** Code system URIs (FHIR's names) and the designators DICOM gives them (PS3.16 8). */
    private static final Map<String, String> SCHEMES = Map.of(
            "http://snomed.info/sct", "SCT",
            "http://loinc.org", "LN",
            "http://dicom.nema.org/resources/ontology/DCM", "DCM",
            "http://unitsofmeasure.org", "UCUM",
            "http://hl7.org/fhir/sid/icd-10", "I10",
            "http://hl7.org/fhir/sid/icd-10-cm", "I10C",
            "http://www.radlex.org", "RADLEX",
            "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "NCIt");

    private DicomFiles() {
    }

    /** A Part 10 file's attributes up to its pixel data (a video's frames are not read). */
    public static AttributeList head(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (InputStream in = Files.newInputStream(file);
                DicomInputStream din = new DicomInputStream(new BufferedInputStream(in))) {
            list.read(din, TagFromName.PixelData);
        }
        return list;
    }

    /** An attribute's value, trimmed; empty when absent. */
    public static String s(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    /** A DICOM UID: digits and dots, at most 64 characters (PS3.5 9.1); anything else never reaches a path or query. */
    public static boolean isUid(String value) {
        return value != null && !value.isEmpty() && value.length() <= 64 && UID.matcher(value).matches();
    }

    /** Sets a text attribute in UTF-8; null or blank leaves it present and empty (a type 2 attribute). */
    public static void put(AttributeList list, AttributeTag tag, String value) {
        try {
            Attribute a = list.putNewAttribute(tag, CHARSET);
            if (value != null && !value.isBlank()) {
                a.addValue(value);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot set " + tag + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes every string value of the list (names, codes' meanings, ...), in every sequence item, encode as UTF-8 when
     * written. PixelMed's factories (content items, coded entries) make their values with no character set, which
     * writes them in the JVM's default charset, whatever Specific Character Set the file declares. Text values (ST,
     * LT, UT) keep only the bytes made when they were added, so a text a factory made is written again from its own
     * string by its maker (the endoscopy adapter's SR does).
     */
    public static void inUtf8(AttributeList list) {
        for (Attribute a : List.copyOf(list.values())) {
            if (a instanceof SequenceAttribute seq) {
                for (int i = 0; i < seq.getNumberOfItems(); i++) {
                    inUtf8(seq.getItem(i).getAttributeList());
                }
            } else if (a instanceof StringAttribute s) {
                // a value's bytes are made when it is added: the same values again, in an attribute made for UTF-8
                try {
                    Attribute again = AttributeFactory.newAttribute(a.getTag(), a.getVR(), CHARSET);
                    String[] values = s.getOriginalStringValues();
                    for (String v : values == null ? new String[0] : values) {
                        again.addValue(v);
                    }
                    list.put(again);
                } catch (DicomException e) {
                    throw new IllegalArgumentException("cannot write " + a.getTag() + " in UTF-8: " + e.getMessage(),
                            e);
                }
            }
        }
    }

    /** A UID in the {@code 2.25} arc from a name: the same name always gives the same UID (PS3.5 B.2). */
    public static String nameUid(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    /**
     * The coding scheme designator of a code system: a known URI's ({@code http://snomed.info/sct} → {@code SCT}), or
     * the system itself when it already is a designator; null for a URI DICOM has no designator for here.
     */
    public static String codingScheme(String system) {
        if (system == null) {
            return null;
        }
        String known = SCHEMES.get(system.trim());
        return known != null ? known : DESIGNATOR.matcher(system.trim()).matches() ? system.trim() : null;
    }
}
