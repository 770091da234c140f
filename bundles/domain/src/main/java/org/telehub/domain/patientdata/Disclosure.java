package org.telehub.domain.patientdata;

import java.time.Instant;
import java.time.LocalDate;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How much of each kind of value an export discloses. In the full export every method returns its argument. In the
 * anonymised export: identifiers become keyed pseudonyms (HMAC with a key made for this export and thrown away, so
 * stable within one export and unlinkable across two), identifying attributes (names, e-mail, phone, usernames) are
 * left out, dates and times move by one random offset of whole days for the whole export (intervals and times of
 * day stay true), and free text is left out unless the caller chose it — and then the export still removes the
 * identifiers and identifying attributes it saw from it.
 */
@ProviderType
public interface Disclosure {

    /** Whether this is the research export. */
    boolean anonymised();

    /**
     * An identifier: a local id, an MRN, a username used as a key, a DICOM UID. {@code kind} names its namespace
     * (e.g. {@code patient}, {@code encounter}, {@code mrn:pacs-1}) so equal values of two kinds get two pseudonyms.
     * Null stays null.
     */
    String id(String kind, String value);

    /** A name, e-mail address, phone number or similar: itself, or null in the research export. */
    String identifying(String value);

    /**
     * Free text: itself; in the research export null unless free text was chosen, then with known PHI removed. Put
     * the answer into the resource as it is: the research export may answer a placeholder that it replaces with the
     * scrubbed text at the end, once it has seen every identifier of the export.
     */
    String freeText(String value);

    /** A point in time, shifted in the research export. Null stays null. */
    Instant instant(Instant value);

    /** A date (e.g. the birth date), shifted by the same offset in the research export. Null stays null. */
    LocalDate date(LocalDate value);
}
