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
 * Large files may come in pieces ({@link #startUpload}), each kept as it arrives, so an upload can resume.
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

    /** How long an unfinished resumable upload is kept before its pieces are deleted. */
    int UPLOAD_HOURS = 24;
    /** The largest piece of a resumable upload. */
    long MAX_PIECE_BYTES = 16L * 1024 * 1024;

    /**
     * Starts a resumable upload (for large files over weak connections): a file of {@code size} bytes named
     * {@code name} for the conversation of {@code encounterId} (or a direct conversation's key), whose bytes then come
     * in pieces, in order ({@link #appendUpload}), each kept once answered, so a dropped connection loses at most the
     * piece it cut. What can be checked before the content is checked now, as {@link #upload} would: membership, the
     * name, the size limit ({@code TooLargeException}), a closed conversation; {@code InvalidException} names
     * {@code size} when it is not positive. Unfinished, it is deleted after {@link #UPLOAD_HOURS} hours.
     */
    Upload startUpload(AuthenticatedUser caller, String encounterId, String name, long size);

    /**
     * An upload as it stands, to its uploader (while still a member): the next piece starts at {@code received}. For
     * anyone else {@code NotFoundException} ("No upload …").
     */
    Upload uploadStatus(AuthenticatedUser caller, String uploadId);

    /**
     * A piece: the upload's bytes from {@code offset}, exactly {@code length} of them read from {@code content}
     * ({@code InvalidException} naming {@code Content-Range} when it ends early, holds more, or goes past the size;
     * nothing of it is kept then). A piece that starts at {@code received} is kept; a piece already received (a retry
     * after a lost answer) changes nothing; any other offset is {@code ConflictException} naming {@code offset}, with
     * what was received. With the last byte in, the pieces are read back in order and go through {@link #upload}'s
     * checks, scan and deduplication: the answer then carries the attachment, or the same refusals as {@link #upload}
     * (after which the upload and its pieces are gone).
     */
    Upload appendUpload(AuthenticatedUser caller, String uploadId, long offset, long length, InputStream content);

    /** Cancels an unfinished upload; its pieces are deleted. A finished one is left as it is. */
    void cancelUpload(AuthenticatedUser caller, String uploadId);

    /**
     * A resumable upload.
     *
     * @param received how many bytes are kept, from the start: where the next piece begins
     * @param attachment once the last piece is in, the attachment it made (else null)
     * @param existing with {@code attachment}: the same content was posted to this conversation before
     */
    record Upload(String id, String conversationId, String name, long size, long received, Instant expiresAt,
            Attachment attachment, boolean existing) {
    }

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
