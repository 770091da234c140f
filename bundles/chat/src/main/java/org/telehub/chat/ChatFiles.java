package org.telehub.chat;

import java.io.InputStream;
import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Files posted in a visit's conversation, by its members ({@link Conversations} decides who they are). An upload is
 * typed from its content (the sender's name and type are not believed), checked against the clinic's allow-list and
 * size limit, stored encrypted, then scanned by ClamAV before anyone may download it: infected content is refused
 * (and the refusal audited); while the scanner cannot be reached it waits in quarantine ({@code scan=pending}) and is
 * scanned when the scanner answers again. The same content posted twice in one conversation is one attachment.
 * Downloads go through short-lived links signed for one caller and one attachment, issued by the same membership rule.
 */
@ProviderType
public interface ChatFiles {
    /** Scan states: downloadable, quarantined until a scan answers, found infected (content removed). */
    String CLEAN = "clean";
    String PENDING = "pending";
    String INFECTED = "infected";

    /**
     * Stores and scans {@code content} (read to its end, not closed). {@code InvalidException} names {@code name};
     * {@code TooLargeException} over the size limit, {@code UnsupportedTypeException} for a type off the allow-list
     * (both before anything is kept), {@code UnprocessableException} when the scan finds it infected (nothing kept,
     * the refusal audited), {@code ConflictException} when the conversation is read-only. A scanner that cannot be
     * reached is not a failure: the attachment is kept with {@code scan=pending}.
     */
    Uploaded upload(AuthenticatedUser caller, String encounterId, String name, InputStream content);

    /** Download links valid for a few minutes, for a member of the attachment's conversation. */
    Link link(AuthenticatedUser caller, String attachmentId);

    /**
     * The content a link names (or, {@code preview}, the image's preview made by the hub: a JPEG at most 480 pixels on
     * its long side, upright, without the photo's EXIF; {@code NotFoundException} when there is none), when its
     * signature holds, it has not expired and the attachment is clean; otherwise
     * {@code ForbiddenException} for a bad or expired link, {@code ConflictException} while it waits for its scan,
     * {@code GoneException} when a scan found it infected. The download is audited as the link's holder.
     */
    Download download(String attachmentId, String grant, boolean preview);

    /**
     * What {@link #download} would answer, without the content and without an audit row: for {@code HEAD}, which
     * reads nothing. The same refusals.
     */
    Attachment describe(String attachmentId, String grant, boolean preview);

    /**
     * @param scan {@link #CLEAN}, {@link #PENDING} or {@link #INFECTED}
     * @param sha256 hex SHA-256 of the content
     */
    record Attachment(String id, String conversationId, String name, String contentType, long size, String sha256,
            String scan, String uploadedBy, Instant createdAt) {
    }

    /** @param existing the same content was posted to this conversation before: this is that attachment */
    record Uploaded(Attachment attachment, boolean existing) {
    }

    /**
     * @param url relative to the hub's origin, e.g. {@code /api/v1/conversations/files/<id>?grant=...}
     * @param previewUrl the same for the image's preview, or null when it has none (not an image, or unreadable)
     */
    record Link(String url, String previewUrl, Instant expiresAt) {
    }

    /** @param content opens the decrypted content (opened when the answer is written; the caller closes it) */
    record Download(Attachment attachment, Content content) {
    }

    /** A file's content, opened on demand. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws java.io.IOException;
    }
}
