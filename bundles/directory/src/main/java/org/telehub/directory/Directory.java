package org.telehub.directory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * The clinic directory. Everyone signed in reads it; a doctor edits their own profile, an administrator any, a clinic
 * administrator their clinic's doctors and the clinic itself; a patient reviews a doctor once per completed visit
 * with them; administrators moderate reviews and keep the speciality list and the formulary. The anonymous public
 * ({@code caller} null) reads a doctor's profile only where one of the doctor's clinics publishes its profiles.
 * Refusals are {@code org.telehub.domain} exceptions.
 */
@ProviderType
public interface Directory {
    /** Visit types a doctor may offer. */
    List<String> VISIT_TYPES = List.of("video", "audio", "chat", "in-person");

    /** The coded list, open to anyone (reference data; the public profile page names a doctor's specialities). */
    List<Speciality> specialities(AuthenticatedUser caller);

    /** An administrator adds or renames a speciality. */
    Speciality putSpeciality(AuthenticatedUser caller, Speciality speciality);

    List<Clinic> clinics(AuthenticatedUser caller);

    Clinic clinic(AuthenticatedUser caller, String id);

    /** An administrator creates a clinic. */
    Clinic createClinic(AuthenticatedUser caller, ClinicInput clinic);

    /** An administrator, or the clinic's own administrator, edits it. */
    Clinic updateClinic(AuthenticatedUser caller, String id, ClinicInput clinic);

    /** The doctors matching every given filter, best rated first (then by name); a page and whether more follow. */
    SearchPage search(AuthenticatedUser caller, Search search);

    Profile profile(AuthenticatedUser caller, String doctorId);

    /** A doctor's own profile: the doctor record their account acts as (404 if none). */
    Profile ownProfile(AuthenticatedUser caller);

    Profile updateProfile(AuthenticatedUser caller, String doctorId, ProfileInput input);

    /** The patient of a completed visit reviews its doctor, once per visit. */
    Review review(AuthenticatedUser caller, String doctorId, ReviewInput input);

    /** A doctor's reviews, newest first: hidden ones only to administrators (with the reason). */
    List<Review> reviews(AuthenticatedUser caller, String doctorId, int offset, int limit);

    /** An administrator hides a review (a reason required) or shows it again. */
    Review moderate(AuthenticatedUser caller, String reviewId, Moderation moderation);

    /** Medicines whose words begin with the query's words (all of them when blank), by name. */
    List<Medicine> medicines(AuthenticatedUser caller, String query, int offset, int limit);

    /**
     * An administrator imports medicines from CSV (a header row naming {@code name} and any of {@code strength},
     * {@code form}, {@code route}, {@code atc}). A row equal to one already listed is skipped. With {@code allOrNone}
     * one bad row imports nothing; otherwise the good rows are imported. Either way every bad row is reported.
     */
    ImportResult importMedicines(AuthenticatedUser caller, String csv, boolean allOrNone);

    /**
     * A patient follows a doctor, to be told of free slots that open up there (a cancellation, a visit moved away).
     * Following again changes nothing.
     *
     * @since 1.1
     */
    void follow(AuthenticatedUser caller, String doctorId);

    /** @since 1.1 */
    void unfollow(AuthenticatedUser caller, String doctorId);

    /** The doctors the calling patient follows, by name. @since 1.1 */
    List<Profile> follows(AuthenticatedUser caller);

    record Speciality(String code, String nameEn, String nameFa, String nameRu) {
    }

    /** Weekdays, as {@code openingHours} keys. */
    List<String> WEEKDAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

    /**
     * {@code openingHours}: weekday ({@link #WEEKDAYS}) → ranges of local times of the clinic's zone, in order; a day
     * absent is closed.
     */
    record Clinic(String id, String name, String address, String timeZone, String phone, String email,
            boolean publicProfiles, int doctors, Instant updatedAt, java.util.Map<String, List<Hours>> openingHours,
            String logo) {
    }

    /** {@code openingHours} null keeps them (an older client). */
    record ClinicInput(String name, String address, String timeZone, String phone, String email,
            Boolean publicProfiles, java.util.Map<String, List<Hours>> openingHours) {
    }

    /** Local times {@code HH:mm}, {@code start} before {@code end} (24:00 for midnight at the end). */
    record Hours(String start, String end) {
    }

    /** {@code fee} in {@code currency} (ISO 4217); null fee: not said. */
    record VisitType(String type, BigDecimal fee, String currency) {
    }

    record ClinicRef(String id, String name) {
    }

    /**
     * A doctor as the directory shows them. {@code acceptedPlans}: the insurance plans the doctor or one of their
     * clinics accepts; {@code nextFreeSlot}: the start of their next free slot within 31 days, kept by encounter
     * events (null: none); {@code covered}: for a patient with coverage valid today, whether one of its plans is
     * accepted (null for anyone else); {@code following}: the calling patient follows them; {@code photo}: the
     * version of their photo ({@link DirectoryPictures}), null when none.
     */
    record Profile(String doctorId, String displayName, String timeZone, List<String> specialities,
            String legacySpeciality, List<ClinicRef> clinics, List<String> languages, String bio,
            String qualifications, String licence, List<VisitType> visitTypes, Double rating, int ratingCount,
            boolean editable, Instant updatedAt, List<Insurance.PlanRef> acceptedPlans, Instant nextFreeSlot,
            Boolean covered, boolean following, String photo) {
    }

    /** Replaces the profile's fields; {@code clinicIds} null keeps the clinics (only administrators change them). */
    record ProfileInput(List<String> specialities, List<String> languages, String bio, String qualifications,
            String licence, List<VisitType> visitTypes, List<String> clinicIds) {
    }

    /**
     * Filters, each optional; {@code q}: words beginning the name, a speciality or a clinic; {@code planId}: accepts
     * this insurance plan (the doctor or one of their clinics); {@code freeBefore}: the next free slot starts before.
     */
    record Search(String q, String speciality, String clinicId, String language, Integer minRating,
            String visitType, String planId, Instant freeBefore, int offset, int limit) {
    }

    record SearchPage(List<Profile> items, boolean more) {
    }

    record ReviewInput(String encounterId, Integer rating, String text) {
    }

    record Review(String id, String doctorId, String encounterId, String authorName, int rating, String text,
            boolean hidden, String hiddenReason, Instant createdAt) {
    }

    record Moderation(Boolean hidden, String reason) {
    }

    record Medicine(String id, String name, String strength, String form, String route, String atc) {
    }

    /** One bad row: its line in the file (the header is line 1), the column and why. */
    record RowError(int line, String field, String detail) {
    }

    record ImportResult(int imported, int unchanged, List<RowError> errors, boolean applied) {
    }
}
