package org.telehub.chat.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.chat.ChatFiles;
import org.telehub.core.encounter.EncounterService;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.GoneException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.TooLargeException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.UnsupportedTypeException;
import org.telehub.files.FileStore;
import org.telehub.files.FileTypes;
import org.telehub.files.SecretBox;
import org.telehub.files.StoredFile;
import org.telehub.files.VirusScanner;
import org.telehub.realtime.Fanout;
import org.telehub.rest.LimitedInputStream;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * {@link ChatFiles}: an upload is typed from its first bytes (Tika), checked against the allow-list, streamed into the
 * encrypted file store while counted against the size limit, then scanned by reading it back through clamd — so the
 * plain content never touches the disk. Clean: recorded and downloadable. Infected: the stored file is deleted, the
 * refusal audited, nothing recorded. Scanner unreachable: recorded {@code pending} with a {@code chat.scan} work item
 * in the same transaction, which this component runs (as the topic's {@link WorkHandler}) until the scanner answers;
 * its verdict is pushed to the conversation ({@code chat.attachment}).
 */
@Component(service = {ChatFiles.class, WorkHandler.class}, configurationPid = "org.telehub.chat",
        property = {WorkHandler.TOPIC + "=" + ChatFilesImpl.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=100000",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=5000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=300000",
            WorkHandler.CONSUMERS + ":Integer=2"})
public class ChatFilesImpl implements ChatFiles, WorkHandler {
    /** The work topic of scans that wait for the scanner. */
    public static final String TOPIC = "chat.scan";
    /** The realtime event of an attachment whose scan state changed. */
    public static final String ATTACHMENT_EVENT = "chat.attachment";
    private static final Logger LOG = LoggerFactory.getLogger(ChatFilesImpl.class);
    private static final long MIB = 1024L * 1024;
    private static final AuthenticatedUser SCANNER = new AuthenticatedUser(0, "system:virus-scan", "Virus scanner",
            Set.of());

    private final ChatSchema db;
    private final Membership members;
    private final AuditLog audit;
    private final FileStore files;
    private final FileTypes types;
    private final VirusScanner scanner;
    private final WorkService work;
    private final Fanout fanout;
    private final LinkSigner signer;
    private final Clock clock;
    private volatile ChatConfig config;

    @Activate
    public ChatFilesImpl(@Reference ChatSchema db, @Reference EncounterService encounters,
            @Reference PatientAccess access, @Reference AuditLog audit, @Reference FileStore files,
            @Reference FileTypes types, @Reference VirusScanner scanner, @Reference WorkService work,
            @Reference SecretBox box, @Reference Fanout fanout, ChatConfig config) {
        this(db, new Membership(db, encounters, access, audit, Clock.systemUTC()), audit, files, types, scanner, work,
                fanout, LinkSigner.load(db.jdbi(), box), config, Clock.systemUTC());
    }

    ChatFilesImpl(ChatSchema db, Membership members, AuditLog audit, FileStore files, FileTypes types,
            VirusScanner scanner, WorkService work, Fanout fanout, LinkSigner signer, ChatConfig config, Clock clock) {
        this.db = db;
        this.members = members;
        this.audit = audit;
        this.files = files;
        this.types = types;
        this.scanner = scanner;
        this.work = work;
        this.fanout = fanout;
        this.signer = signer;
        this.config = config;
        this.clock = clock;
    }

    @Modified
    void modified(ChatConfig c) {
        this.config = c;
    }

    /** The conversation a file goes to: the caller's, and still open (409 once its visit closed it). */
    private Membership.Room openRoom(AuthenticatedUser caller, String key, ChatConfig c) {
        Membership.Room room = members.room(caller, key, "chat.file.upload", c.readOnlyAfterHours());
        if (room.closed()) {
            throw new ConflictException("This visit's conversation is closed: it ended more than "
                    + c.readOnlyAfterHours() + " hours ago; its files can still be read");
        }
        return room;
    }

    @Override
    public Uploaded upload(AuthenticatedUser caller, String encounterId, String name, InputStream content) {
        String fileName = fileName(name);
        ChatConfig c = config;
        Membership.Room e = openRoom(caller, encounterId, c);
        try {
            BufferedInputStream in = new BufferedInputStream(content, 8192);
            in.mark(FileTypes.HEAD_BYTES + 1);
            String type = types.detect(in, fileName);
            in.reset();
            if (!allowed(type, c.allowedTypes())) {
                audit.record(caller, "chat.file.upload", e.patientId(), List.of(), e.said("refused: type " + type));
                throw new UnsupportedTypeException("file", "Files of type " + type + " cannot be sent in a "
                        + "conversation; allowed are " + String.join(", ", c.allowedTypes()));
            }
            long limit = c.maxFileMegabytes() * MIB;
            StoredFile stored;
            try {
                stored = files.put(new LimitedInputStream(in, limit), type, "chat");
            } catch (LimitedInputStream.LimitExceeded x) {
                audit.record(caller, "chat.file.upload", e.patientId(), List.of(), e.said("refused: too large"));
                throw new TooLargeException("file", "The file is larger than " + c.maxFileMegabytes()
                        + " MiB, the largest a conversation takes; nothing was stored");
            }
            try {
                return record(caller, e, types.nameFor(fileName, type), stored);
            } catch (IOException | RuntimeException failed) {
                // refused (a virus) or failed after the content was stored: nothing of it is kept
                deleteQuietly(stored.id());
                throw failed;
            }
        } catch (IOException x) {
            throw new UncheckedIOException("The upload could not be stored: " + x.getMessage(), x);
        }
    }

    /**
     * After the content is stored: dedup, scan, record (or refuse). The caller deletes the stored file when this
     * throws; a stored file that is not recorded here is deleted here.
     */
    private Uploaded record(AuthenticatedUser caller, Membership.Room e, String fileName, StoredFile stored)
            throws IOException {
        String conversation = e.id();
        Optional<Attachment> earlier = db.jdbi().withHandle(h -> ConversationStore.attachmentByContent(h,
                conversation, stored.sha256()));
        if (earlier.isPresent() && earlier.get().scan().equals(INFECTED)) {
            audit.record(caller, "chat.file.upload", e.patientId(), List.of(), e.said("refused: infected (known)"));
            throw new UnprocessableException("Virus found", "The virus scanner found malware in this file before. "
                    + fileName + " was refused and not stored.", "file", null);
        }
        if (earlier.isPresent()) {
            files.delete(stored.id());
            audit.record(caller, "chat.file.upload", e.patientId(), List.of(), e.said("ok: existing"));
            return new Uploaded(earlier.get(), true);
        }
        String scan;
        String detail;
        try (InputStream plain = files.open(stored.id())) {
            VirusScanner.Result r = scanner.scan(plain);
            scan = r.clean() ? CLEAN : INFECTED;
            detail = r.clean() ? r.engine() : r.signature();
        } catch (VirusScanner.Unavailable u) {
            LOG.warn("An upload waits in quarantine until the virus scanner answers: {}", u.getMessage());
            scan = PENDING;
            detail = clip(u.getMessage());
        }
        if (scan.equals(INFECTED)) {
            audit.record(caller, "chat.file.upload", e.patientId(), List.of(), e.said(clip("refused: infected " + detail)));
            throw new UnprocessableException("Virus found", "The virus scanner found " + detail + " in "
                    + fileName + ". The file was refused and not stored.", "file", Map.of("signature", detail));
        }
        Attachment a = new Attachment(UUID.randomUUID().toString(), conversation, fileName, stored.contentType(),
                stored.size(), stored.sha256(), scan, caller.username(),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        String verdict = scan;
        String why = detail;
        String preview = scan.equals(CLEAN) ? preview(stored.id(), stored.contentType()) : null;
        boolean inserted;
        try {
            inserted = db.jdbi().inTransaction(h -> {
            if (!ConversationStore.insert(h, a, stored.id(), preview, why)) {
                return false;
            }
            if (verdict.equals(PENDING)) {
                work.submit(h, WorkRequest.of(TOPIC, a.id()));
            }
            audit.record(h, caller, "chat.file.upload", e.patientId(), List.of(), e.said(verdict.equals(PENDING)
                    ? "ok: quarantined until scanned" : "ok"));
            return true;
            });
        } catch (RuntimeException failed) {
            deleteQuietly(preview);
            throw failed;
        }
        if (!inserted) { // the same content, uploaded at the same moment by someone else
            files.delete(stored.id());
            deleteQuietly(preview);
            return new Uploaded(db.jdbi().withHandle(h -> ConversationStore.attachmentByContent(h, conversation,
                    stored.sha256())).orElseThrow(), true);
        }
        return new Uploaded(a, false);
    }

    /** How many unfinished uploads one person may have at a time (each may hold a whole file for a day). */
    static final int MAX_UNFINISHED_UPLOADS = 5;
    /** The work topic that deletes an unfinished upload once it expires. */
    public static final String UPLOAD_EXPIRY_TOPIC = "chat.upload.expire";

    @Override
    public Upload startUpload(AuthenticatedUser caller, String encounterId, String name, long size) {
        String fileName = fileName(name);
        ChatConfig c = config;
        Membership.Room room = openRoom(caller, encounterId, c);
        if (size < 1) {
            throw new InvalidException("size", "The file's size in bytes, 1 or more");
        }
        if (size > c.maxFileMegabytes() * MIB) {
            audit.record(caller, "chat.file.upload", room.patientId(), List.of(), room.said("refused: too large"));
            throw new TooLargeException("size", "The file is larger than " + c.maxFileMegabytes()
                    + " MiB, the largest a conversation takes");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long open = db.jdbi().withHandle(h -> UploadStore.unfinished(h, caller.username(), now));
        if (open >= MAX_UNFINISHED_UPLOADS) {
            throw new ConflictException("Too many uploads", "You have " + open + " uploads that are not finished;"
                    + " finish or cancel one first (an unfinished one is deleted " + UPLOAD_HOURS + " h after it"
                    + " started)", "uploads", Map.of("unfinished", open));
        }
        UploadStore.Row row = new UploadStore.Row(UUID.randomUUID().toString(), room.id(), caller.username(),
                fileName, size, 0, null, now, now.plus(java.time.Duration.ofHours(UPLOAD_HOURS)));
        db.jdbi().useTransaction(h -> {
            UploadStore.insert(h, row);
            work.submit(h, WorkRequest.of(UPLOAD_EXPIRY_TOPIC, row.id()).notBefore(row.expiresAt()));
        });
        return upload(row, null, false);
    }

    private static Upload upload(UploadStore.Row r, Attachment a, boolean existing) {
        return new Upload(r.id(), r.conversationId(), r.name(), r.size(), r.received(), r.expiresAt(), a, existing);
    }

    /** The caller's own upload, while they take part in its conversation; "No upload" otherwise. */
    private UploadStore.Row own(AuthenticatedUser caller, String uploadId) {
        Optional<UploadStore.Row> r = uploadId == null || uploadId.length() > 36 ? Optional.empty()
                : db.jdbi().withHandle(h -> UploadStore.find(h, uploadId));
        if (r.isEmpty() || !r.get().uploader().equals(caller.username())) {
            throw new NotFoundException("No upload " + uploadId);
        }
        try {
            members.roomOf(caller, r.get().conversationId(), "chat.file.upload", config.readOnlyAfterHours());
        } catch (NotFoundException notMember) {
            throw new NotFoundException("No upload " + uploadId);
        }
        return r.get();
    }

    @Override
    public Upload uploadStatus(AuthenticatedUser caller, String uploadId) {
        UploadStore.Row r = own(caller, uploadId);
        Attachment a = r.attachmentId() == null ? null
                : db.jdbi().withHandle(h -> ConversationStore.attachment(h, r.attachmentId())).orElse(null);
        return upload(r, a, false);
    }

    @Override
    public Upload appendUpload(AuthenticatedUser caller, String uploadId, long offset, long length,
            InputStream content) {
        UploadStore.Row r = own(caller, uploadId);
        if (offset < 0 || length < 1 || length > MAX_PIECE_BYTES || offset + length > r.size()) {
            throw new InvalidException("Content-Range", "A piece of 1 to " + MAX_PIECE_BYTES + " bytes within the"
                    + " file's " + r.size());
        }
        if (r.attachmentId() != null || offset + length <= r.received()) {
            return finished(caller, r); // received before: a retry after a lost answer
        }
        if (offset != r.received()) {
            throw new ConflictException("Out of order", "This upload has its first " + r.received() + " bytes; send"
                    + " the piece that starts there", "offset", Map.of("received", r.received()));
        }
        StoredFile piece;
        try {
            piece = files.put(new ExactInputStream(content, length), "application/octet-stream", "chat-upload");
        } catch (ExactInputStream.WrongLength wrong) {
            throw new InvalidException("Content-Range", wrong.getMessage() + "; nothing of this piece was kept");
        } catch (IOException x) {
            throw new UncheckedIOException("The piece could not be stored: " + x.getMessage(), x);
        }
        boolean appended;
        try {
            appended = db.jdbi().inTransaction(h -> UploadStore.append(h, r.id(), offset, length, piece.id()));
        } catch (RuntimeException failed) {
            deleteQuietly(piece.id());
            throw failed;
        }
        if (!appended) { // the same piece from a concurrent retry got in first
            deleteQuietly(piece.id());
        }
        return finished(caller, db.jdbi().withHandle(h -> UploadStore.find(h, r.id())).orElseThrow(
                () -> new NotFoundException("No upload " + uploadId)));
    }

    /**
     * The upload as it stands; with its last byte in and no attachment yet, its pieces read back in order through
     * {@link #upload(AuthenticatedUser, String, String, InputStream)}, the attachment noted and the pieces deleted.
     * A refusal there (type, virus) deletes the upload.
     */
    private Upload finished(AuthenticatedUser caller, UploadStore.Row r) {
        if (r.attachmentId() != null) {
            return uploadStatus(caller, r.id());
        }
        if (r.received() < r.size()) {
            return upload(r, null, false);
        }
        String[] key = db.jdbi().withHandle(h -> ConversationStore.encounterOf(h, r.conversationId())).orElseThrow();
        String conversation = key[0] != null ? key[0] : org.telehub.chat.Conversations.direct(r.conversationId());
        List<String> pieces = db.jdbi().withHandle(h -> UploadStore.parts(h, r.id()));
        Uploaded made;
        try (InputStream whole = new java.io.SequenceInputStream(java.util.Collections.enumeration(
                pieces.stream().map(this::lazily).toList()))) {
            made = upload(caller, conversation, r.name(), whole);
        } catch (UnsupportedTypeException | TooLargeException | UnprocessableException | ConflictException refused) {
            // the file itself is refused (its type, its size, a virus; or its conversation closed): it can never
            // finish, so nothing of it is kept; anything else (the scanner's store, a moment without membership)
            // leaves the pieces for the retry
            List<String> gone = db.jdbi().inTransaction(h -> UploadStore.delete(h, r.id()));
            gone.forEach(this::deleteQuietly);
            throw refused;
        } catch (IOException | UncheckedIOException x) {
            // a concurrent retry of the last piece finished it (and deleted the pieces) first
            Optional<UploadStore.Row> now = db.jdbi().withHandle(h -> UploadStore.find(h, r.id()));
            if (now.isPresent() && now.get().attachmentId() != null) {
                return uploadStatus(caller, r.id());
            }
            throw x instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) x);
        }
        List<String> done = db.jdbi().inTransaction(h -> UploadStore.finish(h, r.id(), made.attachment().id()));
        done.forEach(this::deleteQuietly);
        return upload(new UploadStore.Row(r.id(), r.conversationId(), r.uploader(), r.name(), r.size(), r.received(),
                made.attachment().id(), r.createdAt(), r.expiresAt()), made.attachment(), made.existing());
    }

    /** A stored piece, opened only when the sequence reaches it. */
    private InputStream lazily(String fileId) {
        return new InputStream() {
            private InputStream in;

            private InputStream in() throws IOException {
                if (in == null) {
                    in = files.open(fileId);
                }
                return in;
            }

            @Override
            public int read() throws IOException {
                return in().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in().read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (in != null) {
                    in.close();
                }
            }
        };
    }

    @Override
    public void cancelUpload(AuthenticatedUser caller, String uploadId) {
        UploadStore.Row r = own(caller, uploadId);
        if (r.attachmentId() != null) {
            return;
        }
        db.jdbi().inTransaction(h -> UploadStore.delete(h, r.id())).forEach(this::deleteQuietly);
    }

    @Override
    public Link link(AuthenticatedUser caller, String attachmentId) {
        Attachment a = db.jdbi().withHandle(h -> ConversationStore.attachment(h, attachmentId))
                .orElseThrow(() -> new NotFoundException("No attachment " + attachmentId));
        Membership.Room room;
        try {
            room = members.roomOf(caller, a.conversationId(), "chat.file.read", config.readOnlyAfterHours());
        } catch (NotFoundException notMember) {
            throw new NotFoundException("No attachment " + attachmentId);
        }
        if (db.jdbi().withHandle(h -> ConversationStore.retractedOnly(h, attachmentId))) {
            // its messages were retracted: no longer shown to anyone (it stays in the patient's record)
            throw new NotFoundException("No attachment " + attachmentId);
        }
        Instant expires = clock.instant().plusSeconds(config.linkSeconds()).truncatedTo(ChronoUnit.SECONDS);
        boolean preview = db.jdbi().withHandle(h -> ConversationStore.fileId(h, attachmentId, true)).isPresent();
        audit.record(caller, "chat.file.read", room.patientId(), List.of(), room.said("ok: link"));
        String base = RestApi.BASE + "/conversations/files/" + attachmentId;
        String grant = "?grant=" + signer.sign(attachmentId, caller.username(), expires);
        return new Link(base + grant, preview ? base + "/preview" + grant : null, expires);
    }

    @Override
    public Download download(String attachmentId, String grant, boolean preview) {
        Checked c = check(attachmentId, grant, preview);
        String patient = db.jdbi().withHandle(h -> ConversationStore.encounterOf(h, c.shown().conversationId()))
                .orElseThrow()[1];
        String outcome = preview ? "ok: preview" : "ok";
        audit.record(new AuthenticatedUser(0, c.grant().holder(), c.grant().holder(), Set.of()), "chat.file.download",
                patient, List.of(), patient == null ? outcome + " · direct " + c.shown().conversationId() : outcome);
        return new Download(c.shown(), () -> files.open(c.fileId()));
    }

    @Override
    public Attachment describe(String attachmentId, String grant, boolean preview) {
        return check(attachmentId, grant, preview).shown();
    }

    /** A download that may go ahead: its link's grant, the attachment as it is answered, and the stored file. */
    private record Checked(LinkSigner.Grant grant, Attachment shown, String fileId) {
    }

    private Checked check(String attachmentId, String grant, boolean preview) {
        LinkSigner.Grant g = signer.verify(attachmentId, grant, clock.instant())
                .orElseThrow(() -> new ForbiddenException("Invalid link", "This download link is not valid or has expired; "
                        + "open the file from the conversation again for a new one", "grant", null));
        Attachment a = db.jdbi().withHandle(h -> ConversationStore.attachment(h, attachmentId))
                .orElseThrow(() -> new GoneException("file", "This file is no longer kept"));
        if (db.jdbi().withHandle(h -> ConversationStore.retractedOnly(h, attachmentId))) {
            throw new GoneException("file", "Its sender retracted the message that carried this file");
        }
        if (a.scan().equals(PENDING)) {
            throw new ConflictException("This file waits for its virus scan; it can be opened once the scan is done");
        }
        if (a.scan().equals(INFECTED)) {
            throw new GoneException("file", "This file was removed: a virus scan found malware in it");
        }
        String fileId = db.jdbi().withHandle(h -> ConversationStore.fileId(h, attachmentId, preview)).orElse(null);
        if (fileId == null) {
            throw preview ? new NotFoundException("No preview of " + a.name() + ": open the file itself")
                    : new GoneException("file", "This file is no longer kept");
        }
        long size = preview ? files.find(fileId).map(StoredFile::size).orElse(0L) : a.size();
        return new Checked(g, preview ? new Attachment(a.id(), a.conversationId(), a.name(), "image/jpeg", size,
                a.sha256(), a.scan(), a.uploadedBy(), a.createdAt()) : a, fileId);
    }

    /** A quarantined attachment's scan, run by the work service until the scanner answers. */
    @Override
    public Verdict handle(WorkItem item) throws Exception {
        String id = item.payload();
        Optional<Attachment> a = db.jdbi().withHandle(h -> ConversationStore.attachment(h, id));
        Optional<String> fileId = db.jdbi().withHandle(h -> ConversationStore.fileId(h, id, false));
        if (a.isEmpty() || !a.get().scan().equals(PENDING) || fileId.isEmpty()) {
            return Verdict.done(); // scanned by an earlier run, or the conversation is gone
        }
        VirusScanner.Result r;
        try (InputStream plain = files.open(fileId.get())) {
            r = scanner.scan(plain);
        } catch (VirusScanner.Unavailable u) {
            return Verdict.retry(u.getMessage());
        }
        String scan = r.clean() ? CLEAN : INFECTED;
        String detail = r.clean() ? r.engine() : r.signature();
        String patient = db.jdbi().withHandle(h -> ConversationStore.encounterOf(h, a.get().conversationId()))
                .orElseThrow()[1];
        String preview = r.clean() ? preview(fileId.get(), a.get().contentType()) : null;
        boolean changed;
        try {
            changed = db.jdbi().inTransaction(h -> {
            boolean c = ConversationStore.scanned(h, id, scan, detail, preview, clock.instant());
            if (c) {
                audit.record(h, SCANNER, "chat.file.scan", patient, List.of(), clip((r.clean() ? "clean"
                        : "infected " + detail + ": removed") + (patient == null ? " · direct "
                                + a.get().conversationId() : "")));
            }
            return c;
            });
        } catch (RuntimeException failed) {
            deleteQuietly(preview);
            throw failed;
        }
        if (changed && !r.clean()) {
            files.delete(fileId.get());
        }
        if (!changed) {
            deleteQuietly(preview); // another run recorded its own
        }
        if (changed) {
            Attachment now = db.jdbi().withHandle(h -> ConversationStore.attachment(h, id)).orElseThrow();
            fanout.publish(ConversationsImpl.topic(now.conversationId()), ATTACHMENT_EVENT, now);
        }
        return Verdict.done();
    }

    /** A clean image's preview ({@link Previews}), stored encrypted; null when it has none. */
    private String preview(String fileId, String contentType) throws IOException {
        Optional<byte[]> jpeg = Previews.of(contentType, () -> files.open(fileId));
        if (jpeg.isEmpty()) {
            return null;
        }
        return files.put(new java.io.ByteArrayInputStream(jpeg.get()), "image/jpeg", "chat-preview").id();
    }

    private void deleteQuietly(String fileId) {
        if (fileId == null) {
            return;
        }
        try {
            files.delete(fileId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("A stored file that nothing refers to could not be deleted ({}): {}", fileId, e.toString());
        }
    }

    static boolean allowed(String type, String[] allowList) {
        for (String a : allowList) {
            String t = a.trim();
            if (t.equals(type) || (t.endsWith("/*") && type.startsWith(t.substring(0, t.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** The sender's file name without any folder, 1–255 characters, no control characters. */
    static String fileName(String name) {
        if (name == null) {
            throw new InvalidException("name", "Required: the file's name");
        }
        String n = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        if (n.isEmpty() || n.length() > 255 || n.equals(".") || n.equals("..")
                || n.chars().anyMatch(ChatFilesImpl::control)) {
            throw new InvalidException("name", "A file name of 1 to 255 characters without control or direction"
                    + " characters");
        }
        return n;
    }

    /** Control characters, and the direction marks that make "rash\u202Egpj.exe" show as "rashexe.jpg". */
    private static boolean control(int ch) {
        return ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || (ch >= 0x200e && ch <= 0x200f) || (ch >= 0x202a && ch <= 0x202e)
                || (ch >= 0x2066 && ch <= 0x2069) || ch == 0x061c;
    }

    private static String clip(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300);
    }
}
