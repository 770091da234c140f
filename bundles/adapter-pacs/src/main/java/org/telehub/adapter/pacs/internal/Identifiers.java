package org.telehub.adapter.pacs.internal;

import static org.telehub.dicom.net.DicomFiles.s;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StudyQuery;

/** Query identifiers, their answers, and UIDs. All text goes out as UTF-8 ({@code ISO_IR 192}). */
final class Identifiers {
    static final String UTF8 = DicomFiles.UTF8;
    static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private Identifiers() {
    }

    static AttributeList studyQuery(StudyQuery q) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.SpecificCharacterSet, UTF8);
        put(id, TagFromName.QueryRetrieveLevel, "STUDY");
        put(id, TagFromName.PatientID, q.patientId());
        put(id, TagFromName.PatientName, q.patientName());
        put(id, TagFromName.PatientBirthDate, q.birthDate() == null ? null : DA.format(q.birthDate()));
        put(id, TagFromName.StudyDate, range(q.studyDateFrom(), q.studyDateTo()));
        put(id, TagFromName.ModalitiesInStudy, q.modality());
        put(id, TagFromName.AccessionNumber, q.accessionNumber());
        for (AttributeTag t : new AttributeTag[] {TagFromName.StudyInstanceUID, TagFromName.StudyDescription,
                TagFromName.NumberOfStudyRelatedSeries, TagFromName.NumberOfStudyRelatedInstances}) {
            put(id, t, null);
        }
        return id;
    }

    static AttributeList seriesQuery(String studyUid) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.SpecificCharacterSet, UTF8);
        put(id, TagFromName.QueryRetrieveLevel, "SERIES");
        put(id, TagFromName.StudyInstanceUID, studyUid);
        for (AttributeTag t : new AttributeTag[] {TagFromName.SeriesInstanceUID, TagFromName.Modality,
                TagFromName.SeriesNumber, TagFromName.SeriesDescription,
                TagFromName.NumberOfSeriesRelatedInstances}) {
            put(id, t, null);
        }
        return id;
    }

    /** The unique key of a study, for C-MOVE and C-GET. */
    static AttributeList studyKey(String studyUid) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.QueryRetrieveLevel, "STUDY");
        put(id, TagFromName.StudyInstanceUID, studyUid);
        return id;
    }

    static ImagingStudy study(AttributeList r) {
        List<String> modalities = new ArrayList<>();
        for (String m : Attribute.getDelimitedStringValuesOrEmptyString(r, TagFromName.ModalitiesInStudy)
                .split("\\\\")) {
            if (!m.isBlank()) {
                modalities.add(m.trim());
            }
        }
        return new ImagingStudy(s(r, TagFromName.PatientID), s(r, TagFromName.PatientName),
                date(s(r, TagFromName.PatientBirthDate)), s(r, TagFromName.StudyInstanceUID),
                s(r, TagFromName.AccessionNumber), date(s(r, TagFromName.StudyDate)), modalities,
                s(r, TagFromName.StudyDescription),
                Attribute.getSingleIntegerValueOrDefault(r, TagFromName.NumberOfStudyRelatedSeries, 0),
                Attribute.getSingleIntegerValueOrDefault(r, TagFromName.NumberOfStudyRelatedInstances, 0));
    }

    static ImagingSeries series(String studyUid, AttributeList r) {
        String number = s(r, TagFromName.SeriesNumber);
        Integer n = null;
        try {
            n = number.isEmpty() ? null : Integer.valueOf(number);
        } catch (NumberFormatException ignored) {
            // a PACS with a malformed IS value: leave it out rather than fail the whole query
        }
        return new ImagingSeries(studyUid, s(r, TagFromName.SeriesInstanceUID), s(r, TagFromName.Modality), n,
                s(r, TagFromName.SeriesDescription),
                Attribute.getSingleIntegerValueOrDefault(r, TagFromName.NumberOfSeriesRelatedInstances, 0));
    }

    static String range(LocalDate from, LocalDate to) {
        if (from == null && to == null) {
            return null;
        }
        return (from == null ? "" : DA.format(from)) + "-" + (to == null ? "" : DA.format(to));
    }

    static LocalDate date(String da) {
        if (da == null || da.length() < 8) {
            return null;
        }
        try {
            return LocalDate.parse(da.substring(0, 8), DA);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Adds {@code tag} with {@code value}, or empty (a return key) when the value is null or blank. */
    static void put(AttributeList list, AttributeTag tag, String value) {
        DicomFiles.put(list, tag, value);
    }

    /** A UID in the {@code 2.25} arc from a name: the same name always gives the same UID (PS3.5 B.2). */
    static String uid(String name) {
        return DicomFiles.nameUid(name);
    }
}
