package org.telehub.adapter.endoscopy.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ApplicationEntityAttribute;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.Association;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.VerificationSOPClassSCU;

import org.telehub.dicom.net.DimseClient;
import org.telehub.dicom.net.Endpoint;
import org.telehub.integration.api.AdapterException;

/**
 * The Modality Worklist SCU: C-FIND (Modality Worklist Information Model - FIND) for a patient's scheduled
 * procedure steps, on the modality and station configured, over one association per query with Nagle off; and
 * C-ECHO. PixelMed does the DIMSE; the identifier and what is read back are here.
 */
final class Worklist {
    /** Calling and called AE titles: 1-16 characters of the default repertoire, no backslash (PS3.5 6.2). */
    private static final Pattern AE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");
    private static final Pattern OFFSET = Pattern.compile("([+-])(\\d{2})(\\d{2})");
    private static final int MAX_PDU = 65536;
    /** Modality Worklist Information Model - FIND (PS3.4 K.6.1.2). */
    static final String MWL_FIND = "1.2.840.10008.5.1.4.31";
    /** Tags PixelMed's dictionary names differently or not at all (PS3.6). */
    private static final AttributeTag SPS_SEQUENCE = new AttributeTag(0x0040, 0x0100);
    private static final AttributeTag SPS_ID = new AttributeTag(0x0040, 0x0009);
    private static final AttributeTag SPS_STATUS = new AttributeTag(0x0040, 0x0020);

    /** Where the worklist is and how to ask it. */
    record Provider(String host, int port, String calledAe, String callingAe, String modality, String stationAe,
            String characterSet, ZoneId zone, int timeoutMillis) {
        Provider {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("worklistHost: required");
            }
            ae("worklistAe", calledAe);
            ae("callingAe", callingAe);
            if (stationAe != null && !stationAe.isBlank()) {
                ae("stationAe", stationAe);
            }
        }
    }

    /** One scheduled procedure step as the worklist answered it. */
    record Item(String patientId, String patientName, String accessionNumber, String requestedProcedureId,
            String requestedProcedureDescription, String studyInstanceUid, String modality, String stationAe,
            Instant scheduledStart, String stepId, String stepDescription, String stepStatus) {
    }

    private final Provider provider;
    /** Associations to the worklist: TCP_NODELAY (Nagle costs ~45 ms per exchange, notes/dicom.md), the timeout. */
    private final DimseClient client;

    Worklist(Provider provider) {
        this.provider = provider;
        this.client = new DimseClient(new Endpoint(provider.host(), provider.port(), provider.calledAe(),
                provider.callingAe(), provider.timeoutMillis(), MAX_PDU), "worklist");
    }

    static String ae(String setting, String value) {
        if (value == null || !AE.matcher(value).matches()) {
            throw new IllegalArgumentException(setting + ": an AE title of 1-16 characters without backslash (got '"
                    + value + "')");
        }
        return value;
    }

    void echo() throws AdapterException {
        try {
            new VerificationSOPClassSCU(provider.host(), provider.port(), provider.calledAe(), provider.callingAe(),
                    false);
        } catch (Exception e) {
            throw failure("C-ECHO", e);
        }
    }

    /** The steps scheduled for the patient (the worklist's Patient ID), on this modality and station. */
    List<Item> find(String patientId) throws AdapterException {
        String sop = MWL_FIND;
        AttributeList identifier;
        try {
            identifier = query(patientId);
        } catch (DicomException e) {
            throw new AdapterException("cannot build the worklist query: " + e.getMessage(), false, e);
        }
        List<Item> out = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        Association a = open(sop, "C-FIND");
        try {
            new FindSOPClassSCU(a, sop, identifier, new IdentifierHandler() {
                @Override
                public void doSomethingWithIdentifier(AttributeList list) {
                    try {
                        out.add(item(list, provider.zone(), provider.characterSet()));
                    } catch (RuntimeException e) {
                        unreadable.add(e.getMessage());
                    }
                }
            });
        } catch (Exception e) {
            abort(a);
            throw failure("C-FIND", e);
        }
        release(a);
        if (!unreadable.isEmpty() && out.isEmpty()) {
            throw new AdapterException("worklist answers unreadable: " + unreadable.get(0), false);
        }
        return out;
    }

    /** The query: the patient, the step's modality and station; every other key a return key, empty. */
    AttributeList query(String patientId) throws DicomException {
        AttributeList q = new AttributeList();
        if (provider.characterSet() != null && !provider.characterSet().isBlank()) {
            put(q, new CodeStringAttribute(TagFromName.SpecificCharacterSet), provider.characterSet().trim());
        }
        put(q, new LongStringAttribute(TagFromName.PatientID), patientId);
        put(q, new PersonNameAttribute(TagFromName.PatientName), "");
        put(q, new DateAttribute(TagFromName.PatientBirthDate), "");
        put(q, new CodeStringAttribute(TagFromName.PatientSex), "");
        put(q, new ShortStringAttribute(TagFromName.AccessionNumber), "");
        put(q, new ShortStringAttribute(TagFromName.RequestedProcedureID), "");
        put(q, new LongStringAttribute(TagFromName.RequestedProcedureDescription), "");
        put(q, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "");
        put(q, new ShortStringAttribute(TagFromName.TimezoneOffsetFromUTC), "");
        AttributeList step = new AttributeList();
        put(step, new CodeStringAttribute(TagFromName.Modality), provider.modality() == null ? ""
                : provider.modality().trim());
        put(step, new ApplicationEntityAttribute(TagFromName.ScheduledStationAETitle),
                provider.stationAe() == null ? "" : provider.stationAe().trim());
        put(step, new DateAttribute(TagFromName.ScheduledProcedureStepStartDate), "");
        put(step, new TimeAttribute(TagFromName.ScheduledProcedureStepStartTime), "");
        put(step, new ShortStringAttribute(SPS_ID), "");
        put(step, new LongStringAttribute(TagFromName.ScheduledProcedureStepDescription), "");
        put(step, new CodeStringAttribute(SPS_STATUS), "");
        put(step, new PersonNameAttribute(TagFromName.ScheduledPerformingPhysicianName), "");
        SequenceAttribute sps = new SequenceAttribute(SPS_SEQUENCE);
        sps.addItem(step);
        q.put(sps);
        return q;
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        if (!value.isEmpty()) {
            a.addValue(value);
        }
        list.put(a);
    }

    /** One answer; its dates and times in the offset it names (Timezone Offset From UTC), else in {@code zone}. */
    static Item item(AttributeList r, ZoneId zone) {
        return item(r, zone, null);
    }

    /**
     * One answer; {@code characterSet} (the configured one) reads its strings when the answer declares none:
     * DCMTK's wlmscpfs 3.6.7 leaves Specific Character Set out of its answers whatever its entries were written in
     * (measured), and PixelMed would read the bytes as the default repertoire.
     */
    static Item item(AttributeList r, ZoneId zone, String characterSet) {
        Strings strings = new Strings(r.get(TagFromName.SpecificCharacterSet) != null || characterSet == null
                || characterSet.isBlank() ? null : new SpecificCharacterSet(characterSet.trim().split("\\\\", -1)));
        return read(r, zone, strings);
    }

    private static Item read(AttributeList r, ZoneId zone, Strings strings) {
        AttributeList step = null;
        Attribute seq = r.get(SPS_SEQUENCE);
        if (seq instanceof SequenceAttribute s && s.getNumberOfItems() > 0) {
            SequenceItem first = s.getItem(0);
            step = first.getAttributeList();
        }
        AttributeList sps = step == null ? new AttributeList() : step;
        Strings t = strings;
        Instant start = when(t.text(sps, TagFromName.ScheduledProcedureStepStartDate),
                t.text(sps, TagFromName.ScheduledProcedureStepStartTime), t.text(r, TagFromName.TimezoneOffsetFromUTC),
                zone);
        return new Item(t.text(r, TagFromName.PatientID), t.text(r, TagFromName.PatientName).replace('^', ' ').trim(),
                blank(t.text(r, TagFromName.AccessionNumber)), blank(t.text(r, TagFromName.RequestedProcedureID)),
                blank(t.text(r, TagFromName.RequestedProcedureDescription)),
                blank(t.text(r, TagFromName.StudyInstanceUID)), blank(t.text(sps, TagFromName.Modality)),
                blank(t.text(sps, TagFromName.ScheduledStationAETitle)), start, blank(t.text(sps, SPS_ID)),
                blank(t.text(sps, TagFromName.ScheduledProcedureStepDescription)), blank(t.text(sps, SPS_STATUS)));
    }

    /** DA and TM (HHMM[SS[.F]]) to an instant; null without a date. */
    static Instant when(String date, String time, String offset, ZoneId zone) {
        if (date.isEmpty()) {
            return null;
        }
        LocalDate d = LocalDate.parse(date.substring(0, Math.min(8, date.length())), DateTimeFormatter.BASIC_ISO_DATE);
        String digits = time.contains(".") ? time.substring(0, time.indexOf('.')) : time;
        digits = digits.replace(":", "");
        int hour = digits.length() >= 2 ? Integer.parseInt(digits.substring(0, 2)) : 0;
        int minute = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        int second = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
        LocalTime t = LocalTime.of(hour, minute, second);
        Matcher m = OFFSET.matcher(offset);
        if (m.matches()) {
            int seconds = (Integer.parseInt(m.group(2)) * 3600 + Integer.parseInt(m.group(3)) * 60)
                    * (m.group(1).equals("-") ? -1 : 1);
            return d.atTime(t).atOffset(ZoneOffset.ofTotalSeconds(seconds)).toInstant();
        }
        return d.atTime(t).atZone(zone).toInstant();
    }

    /** How an answer's strings are read: in {@code assumed} when it declares no character set, else as PixelMed did. */
    private record Strings(SpecificCharacterSet assumed) {
        String text(AttributeList list, AttributeTag tag) {
            Attribute a = list.get(tag);
            if (assumed != null && a instanceof StringAttribute s) {
                try {
                    byte[] b = s.getByteValues();
                    if (b != null && SpecificCharacterSet.byteArrayContainsNonASCIIValues(b)) {
                        String v = assumed.translateByteArrayToString(b, 0, b.length);
                        int more = v.indexOf('\\');
                        return iso2022((more < 0 ? v : v.substring(0, more)).trim());
                    }
                } catch (DicomException e) {
                    // read as PixelMed did
                }
            }
            return iso2022(Attribute.getSingleStringValueOrEmptyString(list, tag).trim());
        }
    }

    /**
     * A value that still holds ISO 2022 escape sequences was read in a character set that does not switch on
     * them: the answer did not declare {@code ISO 2022 IR 87} although its entry was written so (DCMTK's wlmscpfs
     * 3.6.7 does that, measured). The escapes say which set follows, so the bytes are read again as ISO-2022-JP
     * (JIS X 0208 and X 0201 Roman, what Japanese sites send); other sets are left as they were read.
     */
    static String iso2022(String value) {
        if (value.indexOf('\u001b') < 0 || value.chars().anyMatch(c -> c > 0xff)) {
            return value;
        }
        try {
            return java.nio.charset.Charset.forName("ISO-2022-JP").newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return value;
        }
    }

    private static String blank(String s) {
        return s.isEmpty() ? null : s;
    }

    private Association open(String sopClass, String operation) throws AdapterException {
        return client.open(DimseClient.contexts(sopClass), operation);
    }

    /** A failure in words naming the worklist: refused associations are not retried, network trouble is. */
    private AdapterException failure(String operation, Exception e) {
        return client.failure(operation, e);
    }

    private static void release(Association a) {
        DimseClient.release(a);
    }

    private static void abort(Association a) {
        DimseClient.abort(a);
    }
}
