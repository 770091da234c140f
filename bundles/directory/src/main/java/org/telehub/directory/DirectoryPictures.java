package org.telehub.directory;

import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Doctors' photos and clinics' logos (for the profile and clinic pages, and for report letterheads). Whoever may edit
 * the profile (or the clinic) sets and removes them; whoever may read the profile (or the clinic) reads them, the
 * anonymous public ({@code caller} null) where the clinic publishes its profiles. An upload is re-encoded by the hub
 * (a photo as JPEG within 512 px, a logo as PNG within 1024 px); refusals are {@code org.telehub.domain} exceptions
 * naming {@code file}.
 *
 * @since 1.1
 */
@ProviderType
public interface DirectoryPictures {
    Picture photo(AuthenticatedUser caller, String doctorId);

    /** @return the new version */
    String putPhoto(AuthenticatedUser caller, String doctorId, InputStream image);

    void deletePhoto(AuthenticatedUser caller, String doctorId);

    Picture logo(AuthenticatedUser caller, String clinicId);

    String putLogo(AuthenticatedUser caller, String clinicId, InputStream image);

    void deleteLogo(AuthenticatedUser caller, String clinicId);

    /** {@code version}: changes whenever the picture does (a cache key). */
    record Picture(String contentType, byte[] bytes, String version) {
    }
}
