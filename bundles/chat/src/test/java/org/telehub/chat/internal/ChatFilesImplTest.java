package org.telehub.chat.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telehub.chat.internal.ChatFixture.AMY;
import static org.telehub.chat.internal.ChatFixture.DESK;
import static org.telehub.chat.internal.ChatFixture.GUEST;
import static org.telehub.chat.internal.ChatFixture.HOUSE;
import static org.telehub.chat.internal.ChatFixture.VISIT;
import static org.telehub.chat.internal.ChatFixture.config;
import static org.telehub.chat.internal.ChatFixture.visit;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.ChatFiles.Attachment;
import org.telehub.chat.ChatFiles.Uploaded;
import org.telehub.chat.Conversations.Message;
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
import org.telehub.files.VirusScanner;
import org.telehub.files.internal.TestFiles;
import org.telehub.files.testing.Clamd;
import org.telehub.work.Verdict;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * Files in conversations on a real PostgreSQL, the real encrypted file store, Tika, and a real clamd (Debian's, with a
 * database of the EICAR test file built by the test): typed from content, scanned before download, refused when
 * infected, quarantined while the scanner is down, deduplicated, downloaded only by signed links of members.
 */
class ChatFilesImplTest {
    @TempDir
    Path dir;
    private ChatFixture f;
    private FileStore store;
    private ConversationsImpl chat;
    private final List<WorkRequest> submitted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    private LinkSigner signer;
    private VirusScanner clamd;

    @BeforeEach
    void setUp() throws Exception {
        f = new ChatFixture();
        TestFiles.migrate(f.jdbi);
        store = TestFiles.store(f.jdbi, dir);
        signer = LinkSigner.load(f.jdbi, TestFiles.secretBox(f.jdbi, dir));
        clamd = TestFiles.clamd(Clamd.shared().port());
        chat = new ConversationsImpl(new ChatSchema(f.jdbi), f.encounters, f.access, f.audit, (t, e, d) -> { },
                f.work,
                config(168, 4000, 1), f.clock);
    }

    private ChatFilesImpl files(VirusScanner scanner) {
        WorkService work = (WorkService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WorkService.class}, (p, m, args) -> {
                    if (!m.getName().equals("submit")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    submitted.add((WorkRequest) args[1]);
                    return "work-" + submitted.size();
                });
        return new ChatFilesImpl(new ChatSchema(f.jdbi), f.membership(), f.audit, store, TestFiles.types(), scanner,
                work, (topic, type, data) -> published.add(type + " " + ((Attachment) data).scan()), signer,
                config(168, 4000, 1), f.clock);
    }

    private static byte[] photo(int seed) throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        img.setRGB(seed % 64, 0, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    private static InputStream in(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    private static String grant(ChatFiles.Link link) {
        String q = link.url().substring(link.url().indexOf("grant=") + 6);
        return URLDecoder.decode(q, StandardCharsets.UTF_8);
    }

    /** {@code n} bytes of `{@code s}`, then a short piece ({@code from} to {@code to}) of it as a stream. */
    private static InputStream part(byte[] all, int from, int to) {
        return new ByteArrayInputStream(java.util.Arrays.copyOfRange(all, from, to));
    }

    private long count(String sql) {
        return f.count(sql);
    }

    @Test
    void aLargeFileComesInPiecesKeptAsTheyArriveAndEndsAsOneScannedAttachment() throws Exception {
        ChatFilesImpl files = files(clamd);
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 250_000; i++) {
            text.append("Blood pressure reading ").append(i).append(": 120/80, pulse 72.\n");
        }
        byte[] all = text.toString().getBytes(StandardCharsets.UTF_8);
        int size = all.length;
        ChatFiles.Upload u = files.startUpload(AMY, VISIT, "readings.txt", size);
        assertEquals(List.of(0L, (long) size, "readings.txt"), List.of(u.received(), u.size(), u.name()));
        assertEquals(1, submitted.stream().filter(w -> w.topic().equals(ChatFilesImpl.UPLOAD_EXPIRY_TOPIC)).count(),
                "its expiry is planned when it starts");

        assertEquals(100_000, files.appendUpload(AMY, u.id(), 0, 100_000, part(all, 0, 100_000)).received());
        // a connection dropped mid-piece: half of the piece came, nothing of it is kept, the upload stands at 100,000
        assertEquals("Content-Range", assertThrows(InvalidException.class,
                () -> files.appendUpload(AMY, u.id(), 100_000, 100_000, part(all, 100_000, 150_000))).field());
        // one that holds more than it says is refused too
        assertEquals("Content-Range", assertThrows(InvalidException.class,
                () -> files.appendUpload(AMY, u.id(), 100_000, 10, part(all, 100_000, 100_011))).field());
        assertEquals(100_000, files.uploadStatus(AMY, u.id()).received());
        assertEquals(1L, count("SELECT count(*) FROM chat_upload_part"));
        // a piece that skips ahead: 409 saying where the upload stands
        ConflictException ahead = assertThrows(ConflictException.class,
                () -> files.appendUpload(AMY, u.id(), 200_000, 10, part(all, 200_000, 200_010)));
        assertEquals("offset", ahead.field());
        // the first piece again (its answer was lost): nothing changes
        assertEquals(100_000, files.appendUpload(AMY, u.id(), 0, 100_000, part(all, 0, 100_000)).received());
        assertEquals(1L, count("SELECT count(*) FROM chat_upload_part"));
        // only its uploader sees it
        for (var other : List.of(HOUSE, DESK, GUEST)) {
            assertEquals("No upload " + u.id(), assertThrows(NotFoundException.class,
                    () -> files.uploadStatus(other, u.id())).getMessage());
            assertThrows(NotFoundException.class,
                    () -> files.appendUpload(other, u.id(), 100_000, 10, part(all, 100_000, 100_010)));
        }

        assertEquals(200_000, files.appendUpload(AMY, u.id(), 100_000, 100_000, part(all, 100_000, 200_000))
                .received());
        ChatFiles.Upload done = files.appendUpload(AMY, u.id(), 200_000, size - 200_000, part(all, 200_000, size));
        Attachment a = done.attachment();
        assertEquals(List.of("readings.txt", "text/plain", ChatFiles.CLEAN, (long) size, "amy"),
                List.of(a.name(), a.contentType(), a.scan(), a.size(), a.uploadedBy()));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(all)), a.sha256());
        assertEquals(0L, count("SELECT count(*) FROM chat_upload_part"), "the pieces are deleted once whole");
        // the last piece again: the same attachment
        assertEquals(a, files.appendUpload(AMY, u.id(), 200_000, size - 200_000, part(all, 200_000, size))
                .attachment());
        assertEquals(a, files.uploadStatus(AMY, u.id()).attachment());
        chat.send(AMY, VISIT, "amy-big", "", a.id());
        try (InputStream in = files.download(a.id(), grant(files.link(HOUSE, a.id())), false).content().open()) {
            assertArrayEquals(all, in.readAllBytes());
        }
    }

    @Test
    void aFileInPiecesIsRefusedLikeAnyOtherAndAnUnfinishedOneExpires() throws Exception {
        ChatFilesImpl files = files(clamd);
        byte[] eicar = Clamd.EICAR;
        ChatFiles.Upload virus = files.startUpload(AMY, VISIT, "invoice.txt", eicar.length);
        files.appendUpload(AMY, virus.id(), 0, 30, part(eicar, 0, 30));
        UnprocessableException found = assertThrows(UnprocessableException.class,
                () -> files.appendUpload(AMY, virus.id(), 30, eicar.length - 30, part(eicar, 30, eicar.length)));
        assertTrue(found.getMessage().contains("eicar"), found.getMessage());
        assertThrows(NotFoundException.class, () -> files.uploadStatus(AMY, virus.id()), "refused: gone");
        assertEquals(0L, count("SELECT count(*) FROM chat_upload"));
        assertEquals(0L, count("SELECT count(*) FROM chat_attachment"));

        // over the size limit (1 MiB here), a size of 0, a bad name: refused before any byte
        assertEquals("size", assertThrows(org.telehub.domain.TooLargeException.class,
                () -> files.startUpload(AMY, VISIT, "big.txt", 1024 * 1024 + 1)).field());
        assertEquals("size", assertThrows(InvalidException.class,
                () -> files.startUpload(AMY, VISIT, "empty.txt", 0)).field());
        assertEquals("name", assertThrows(InvalidException.class,
                () -> files.startUpload(AMY, VISIT, "..", 10)).field());
        assertThrows(NotFoundException.class, () -> files.startUpload(DESK, VISIT, "x.txt", 10));

        // left unfinished: its expiry deletes it and its stored piece; a cancel does the same at once
        byte[] some = "half of a file that never finished".getBytes(StandardCharsets.UTF_8);
        ChatFiles.Upload left = files.startUpload(AMY, VISIT, "left.txt", 1000);
        files.appendUpload(AMY, left.id(), 0, some.length, in(some));
        String piece = f.jdbi.withHandle(h -> UploadStore.parts(h, left.id())).get(0);
        assertTrue(store.find(piece).isPresent());
        new UploadExpiry(new ChatSchema(f.jdbi), store).handle(new org.telehub.work.WorkItem("w-1",
                ChatFilesImpl.UPLOAD_EXPIRY_TOPIC, null, left.id(), org.telehub.work.WorkState.RUNNING, 1,
                f.clock.instant(), null, null, f.clock.instant(), f.clock.instant(), null));
        assertTrue(store.find(piece).isEmpty());
        assertThrows(NotFoundException.class, () -> files.uploadStatus(AMY, left.id()));
        ChatFiles.Upload cancelled = files.startUpload(AMY, VISIT, "cancelled.txt", 1000);
        files.appendUpload(AMY, cancelled.id(), 0, some.length, in(some));
        files.cancelUpload(AMY, cancelled.id());
        assertEquals(0L, count("SELECT count(*) FROM chat_upload"));
        assertEquals(0L, count("SELECT count(*) FROM chat_upload_part"));
        // one person holds at most 5 unfinished uploads (each may hold a whole file for a day)
        for (int i = 0; i < 5; i++) {
            files.startUpload(AMY, VISIT, "part" + i + ".txt", 1000);
        }
        assertEquals("uploads", assertThrows(ConflictException.class,
                () -> files.startUpload(AMY, VISIT, "sixth.txt", 1000)).field());
        files.startUpload(HOUSE, VISIT, "his.txt", 1000); // another person's are their own
    }

    @Test
    void aFileInADirectConversationIsForItsTwoCliniciansOnly() throws Exception {
        org.telehub.security.AuthenticatedUser wilson = new org.telehub.security.AuthenticatedUser(8, "dr.wilson",
                "Dr Wilson", java.util.Set.of("doctor"));
        org.telehub.security.AuthenticatedUser cuddy = new org.telehub.security.AuthenticatedUser(9, "dr.cuddy",
                "Dr Cuddy", java.util.Set.of("doctor"));
        String id = f.jdbi.inTransaction(h -> ConversationStore.openDirect(h, "dr.house", "Dr House", "dr.wilson",
                "Dr Wilson", f.clock.instant()).id());
        String key = org.telehub.chat.Conversations.direct(id);
        ChatFilesImpl files = files(clamd);
        Uploaded up = files.upload(HOUSE, key, "rash.jpg", in(photo(7)));
        assertEquals(ChatFiles.CLEAN, up.attachment().scan());
        assertEquals(id, up.attachment().conversationId());
        chat.send(HOUSE, key, "h-1", "", up.attachment().id());
        ChatFiles.Link link = files.link(wilson, up.attachment().id());
        assertTrue(link.url().contains(up.attachment().id()));
        // another clinician, the patient of the visit, a guest: no such file, no such conversation
        for (org.telehub.security.AuthenticatedUser other : List.of(cuddy, AMY, GUEST)) {
            assertThrows(NotFoundException.class, () -> files.link(other, up.attachment().id()), other.username());
            assertThrows(NotFoundException.class, () -> files.upload(other, key, "x.jpg", in(photo(8))),
                    other.username());
        }
        assertTrue(f.audits.contains("dr.house chat.file.upload null ok · direct " + id), f.audits.toString());
    }

    @Test
    void aCleanPhotoIsStoredEncryptedPostedAndDownloadedByItsLink() throws Exception {
        ChatFilesImpl files = files(clamd);
        byte[] jpeg = photo(1);
        Uploaded up = files.upload(AMY, VISIT, "C:\\Users\\amy\\rash.jpg", in(jpeg));
        Attachment a = up.attachment();
        assertFalse(up.existing());
        assertEquals(List.of("rash.jpg", "image/jpeg", ChatFiles.CLEAN, (long) jpeg.length, "amy"),
                List.of(a.name(), a.contentType(), a.scan(), a.size(), a.uploadedBy()));
        assertTrue(submitted.isEmpty(), "a clean scan needs no later scan");

        Message m = chat.send(AMY, VISIT, "amy-1", "", a.id()).message();
        assertEquals(a, m.attachment());
        assertEquals(a, chat.messages(HOUSE, VISIT, 0, 10).get(0).attachment());

        ChatFiles.Link link = files.link(HOUSE, a.id());
        assertTrue(link.url().startsWith("/api/v1/conversations/files/" + a.id() + "?grant="), link.url());
        assertEquals(f.now.plusSeconds(300), link.expiresAt());
        // HEAD: the same answer without the content, and not audited (it reads nothing)
        int audited = f.audits.size();
        assertEquals(a, files.describe(a.id(), grant(link), false));
        assertEquals(audited, f.audits.size());
        assertEquals("grant", assertThrows(ForbiddenException.class, () -> files.describe(a.id(), "1.x.y", false))
                .field());
        ChatFiles.Download d = files.download(a.id(), grant(link), false);
        try (InputStream content = d.content().open()) {
            assertArrayEquals(jpeg, content.readAllBytes());
        }
        // at rest the file is ciphertext: the JPEG's bytes are nowhere in the store's folder
        try (Stream<Path> stored = Files.walk(dir.resolve("files"))) {
            for (Path p : stored.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                        .contains(new String(jpeg, 0, 64, StandardCharsets.ISO_8859_1)), p.toString());
            }
        }
        assertTrue(f.audits.containsAll(List.of("amy chat.file.upload pat-1 ok", "dr.house chat.file.read pat-1 ok: link",
                "dr.house chat.file.download pat-1 ok")), f.audits.toString());
    }

    @Test
    void eicarIsRefusedNamedAuditedAndNothingIsKept() throws Exception {
        UnprocessableException e = assertThrows(UnprocessableException.class,
                () -> files(clamd).upload(AMY, VISIT, "invoice.txt", in(Clamd.EICAR)));
        assertEquals("file", e.field());
        assertTrue(e.detail().contains(Clamd.EICAR_SIGNATURE) && e.detail().contains("not stored"), e.detail());
        assertEquals(0L, f.count("SELECT count(*) FROM chat_attachment"));
        assertEquals(0L, f.count("SELECT count(*) FROM file_object"));
        assertTrue(f.audits.stream().anyMatch(l -> l.startsWith("amy chat.file.upload pat-1 refused: infected "
                + Clamd.EICAR_SIGNATURE)), f.audits.toString());
    }

    @Test
    void theSameContentTwiceIsOneAttachment() throws Exception {
        ChatFilesImpl files = files(clamd);
        byte[] jpeg = photo(2);
        Attachment first = files.upload(AMY, VISIT, "rash.jpg", in(jpeg)).attachment();
        Uploaded again = files.upload(HOUSE, VISIT, "copy.jpg", in(jpeg));
        assertTrue(again.existing());
        assertEquals(first, again.attachment());
        assertEquals(1L, f.count("SELECT count(*) FROM chat_attachment"));
        assertEquals(1L, f.count("SELECT count(*) FROM file_object WHERE category = 'chat'"));
        assertEquals(1L, f.count("SELECT count(*) FROM file_object WHERE category = 'chat-preview'"));
    }

    @Test
    void aTypeOffTheAllowListOrAFileOverTheLimitIsRefusedBeforeAnythingIsKept() throws Exception {
        ChatFilesImpl files = files(clamd);
        byte[] elf = new byte[4096];
        System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0}, 0, elf,
                0, 20);
        UnsupportedTypeException type = assertThrows(UnsupportedTypeException.class,
                () -> files.upload(AMY, VISIT, "photo.jpg", in(elf)));
        assertEquals("file", type.field());
        assertTrue(type.detail().contains("application/x-executable"), type.detail());
        byte[] big = new byte[1024 * 1024 + 1]; // a PDF one byte over the 1 MiB of this test's setting
        new Random(3).nextBytes(big);
        System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 9);
        assertThrows(TooLargeException.class, () -> files.upload(AMY, VISIT, "scan.pdf", in(big)));
        assertEquals(0L, f.count("SELECT count(*) FROM file_object"));
        assertEquals(0L, f.count("SELECT count(*) FROM chat_attachment"));
        try (Stream<Path> left = Files.walk(dir.resolve("files"))) {
            assertEquals(0, left.filter(Files::isRegularFile).count(), "no partial file left behind");
        }
        assertTrue(f.audits.contains("amy chat.file.upload pat-1 refused: too large"), f.audits.toString());
    }

    @Test
    void whileTheScannerIsDownUploadsWaitInQuarantineAndAreScannedWhenItAnswers() throws Exception {
        ChatFilesImpl down = files(TestFiles.clamd(Clamd.deadPort()));
        Attachment photo = down.upload(AMY, VISIT, "rash.jpg", in(photo(4))).attachment();
        Attachment virus = down.upload(AMY, VISIT, "virus.txt", in(Clamd.EICAR)).attachment();
        assertEquals(List.of(ChatFiles.PENDING, ChatFiles.PENDING), List.of(photo.scan(), virus.scan()));
        assertEquals(List.of(photo.id(), virus.id()), submitted.stream().map(WorkRequest::payload).toList());
        assertTrue(submitted.stream().allMatch(r -> r.topic().equals(ChatFilesImpl.TOPIC)));
        ChatFiles.Link link = down.link(HOUSE, photo.id());
        ConflictException wait = assertThrows(ConflictException.class, () -> down.download(photo.id(), grant(link), false));
        assertTrue(wait.detail().contains("virus scan"), wait.detail());
        // the scanner still down: the work item is retried, nothing changes
        assertEquals(Verdict.Outcome.RETRY, down.handle(item(photo.id())).outcome());
        assertEquals(ChatFiles.PENDING, f.jdbi.withHandle(h -> ConversationStore.attachment(h, photo.id())).get().scan());

        ChatFilesImpl up = files(clamd);
        assertEquals(Verdict.Outcome.DONE, up.handle(item(photo.id())).outcome());
        assertEquals(Verdict.Outcome.DONE, up.handle(item(virus.id())).outcome());
        assertEquals(List.of("chat.attachment clean", "chat.attachment infected"), published);
        try (InputStream in = up.download(photo.id(), grant(up.link(HOUSE, photo.id())), false).content().open()) {
            assertArrayEquals(photo(4), in.readAllBytes());
        }
        GoneException gone = assertThrows(GoneException.class,
                () -> up.download(virus.id(), grant(up.link(AMY, virus.id())), false));
        assertTrue(gone.detail().contains("virus"), gone.detail());
        assertEquals(1L, f.count("SELECT count(*) FROM file_object WHERE category = 'chat'"),
                "the infected file's content is deleted");
        assertEquals(1L, f.count("SELECT count(*) FROM file_object WHERE category = 'chat-preview'"),
                "the photo got its preview when its scan came");
        assertTrue(f.audits.stream().anyMatch(l -> l.startsWith("system:virus-scan chat.file.scan pat-1 infected "
                + Clamd.EICAR_SIGNATURE)), f.audits.toString());
        // a second run of a finished item (at-least-once) changes nothing
        assertEquals(Verdict.Outcome.DONE, up.handle(item(virus.id())).outcome());
        assertEquals(2, published.size());
        // the same content again, while the scanner is down: refused as the virus it was found to be, nothing kept
        assertThrows(UnprocessableException.class, () -> down.upload(HOUSE, VISIT, "again.txt", in(Clamd.EICAR)));
        assertEquals(1L, f.count("SELECT count(*) FROM file_object WHERE category = 'chat'"));
    }

    @Test
    void linksAreForMembersForOneFileAndForAFewMinutes() throws Exception {
        ChatFilesImpl files = files(clamd);
        Attachment a = files.upload(AMY, VISIT, "rash.jpg", in(photo(5))).attachment();
        Attachment b = files.upload(AMY, VISIT, "other.jpg", in(photo(6))).attachment();
        NotFoundException outsider = assertThrows(NotFoundException.class, () -> files.link(DESK, a.id()));
        assertEquals("No attachment " + a.id(), outsider.detail());
        assertTrue(f.audits.contains("desk chat.file.read pat-1 denied"), f.audits.toString());
        assertThrows(NotFoundException.class, () -> files.link(AMY, "no-such-file"));

        String g = grant(files.link(AMY, a.id()));
        assertEquals("grant", assertThrows(ForbiddenException.class, () -> files.download(b.id(), g, false)).field());
        String[] parts = g.split("\\.");
        String otherHolder = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("dr.house".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThrows(ForbiddenException.class, () -> files.download(a.id(), otherHolder, false));
        assertThrows(ForbiddenException.class, () -> files.download(a.id(), null, false));
        assertThrows(ForbiddenException.class, () -> files.download(a.id(), "not-a-grant", false));
        files.download(a.id(), g, false).content().open().close();
        f.now = f.now.plus(Duration.ofSeconds(301));
        assertThrows(ForbiddenException.class, () -> files.download(a.id(), g, false));
        assertThrows(ForbiddenException.class, () -> files.download(a.id(), g, true));
    }

    @Test
    void badNamesClosedVisitsAndForeignAttachmentsAreRefused() throws Exception {
        ChatFilesImpl files = files(clamd);
        for (String bad : new String[] {null, "", "  ", "a/", "x".repeat(256), "line\nbreak.jpg", "..",
            "rash\u202Egpj.exe", "c1\u0085.jpg"}) {
            assertEquals("name", assertThrows(InvalidException.class,
                    () -> files.upload(AMY, VISIT, bad, in(photo(7)))).field(), String.valueOf(bad));
        }
        assertThrows(NotFoundException.class, () -> files.upload(DESK, VISIT, "rash.jpg", in(photo(7))));
        // a name is kept with an extension of what the content is: a text named as a Windows shortcut opens as text
        assertEquals("bank.url.txt", files.upload(AMY, VISIT, "bank.url",
                in("[InternetShortcut]\nURL=https://example.org/\n".getBytes(StandardCharsets.US_ASCII))).attachment().name());
        // an attachment of another visit's conversation cannot be posted here
        f.visits.put("enc-2", visit("enc-2", EncounterService.SCHEDULED, null));
        Attachment elsewhere = files.upload(AMY, "enc-2", "rash.jpg", in(photo(7))).attachment();
        assertEquals("attachmentId", assertThrows(InvalidException.class,
                () -> chat.send(AMY, VISIT, "a-1", "see", elsewhere.id())).field());
        assertEquals(0L, f.count("SELECT count(*) FROM chat_message"));
        f.visits.put(VISIT, visit(VISIT, EncounterService.COMPLETED, f.now.minus(Duration.ofHours(200))));
        assertThrows(ConflictException.class, () -> files.upload(AMY, VISIT, "late.jpg", in(photo(8))));
    }

    /** A 640×480 JPEG, red in its top-left corner, with EXIF: orientation 6 (shot turned) and the phone's owner. */
    private static byte[] turnedPhoto() throws Exception {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.GREEN.darker());
        g.fillRect(0, 0, 640, 480);
        g.setColor(java.awt.Color.RED);
        g.fillRect(0, 0, 160, 160);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", jpeg);
        byte[] owner = "Amy Pond's phone\0".getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(38 + owner.length); // big-endian, as "MM" says
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8).putShort((short) 2);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0);
        tiff.putShort((short) 0x013B).putShort((short) 2).putInt(owner.length).putInt(38);
        tiff.putInt(0).put(owner);
        byte[] exif = tiff.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] plain = jpeg.toByteArray();
        out.write(plain, 0, 2); // SOI
        int len = 2 + 6 + exif.length;
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
        out.write(exif);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    @Test
    void aPhotosPreviewIsMadeByTheHubUprightSmallAndWithoutItsExif() throws Exception {
        ChatFilesImpl files = files(clamd);
        byte[] photo = turnedPhoto();
        Attachment a = files.upload(AMY, VISIT, "arm.jpg", in(photo)).attachment();
        ChatFiles.Link link = files.link(HOUSE, a.id());
        assertEquals("/api/v1/conversations/files/" + a.id() + "/preview?" + link.url().split("\\?")[1],
                link.previewUrl());
        ChatFiles.Download d = files.download(a.id(), grant(link), true);
        assertEquals("image/jpeg", d.attachment().contentType());
        byte[] preview;
        try (InputStream in = d.content().open()) {
            preview = in.readAllBytes();
        }
        assertEquals(preview.length, d.attachment().size());
        String text = new String(preview, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Amy Pond") || text.contains("Exif"), "the preview carries no EXIF");
        BufferedImage shown = ImageIO.read(new ByteArrayInputStream(preview));
        // 640×480 shot turned (orientation 6): upright it is 480 wide... then shrunk to 480 on the long side
        assertEquals(List.of(360, 480), List.of(shown.getWidth(), shown.getHeight()));
        java.awt.Color corner = new java.awt.Color(shown.getRGB(shown.getWidth() - 10, 10));
        assertTrue(corner.getRed() > 200 && corner.getGreen() < 80, "the red corner is now top right: " + corner);
        // the original is the file as sent
        try (InputStream in = files.download(a.id(), grant(link), false).content().open()) {
            assertArrayEquals(photo, in.readAllBytes());
        }
        assertEquals(2L, f.count("SELECT count(*) FROM file_object"), "the file and its preview, both encrypted");
    }

    @Test
    void aPhonesHeicPhotoGetsAPreviewAndAPdfNone() throws Exception {
        ChatFilesImpl files = files(clamd);
        Path png = dir.resolve("shot.png");
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xff0000);
        ImageIO.write(img, "png", png.toFile());
        Path heic = dir.resolve("IMG_0001.HEIC");
        // libheif's encoder makes the phone's photo (Debian's libheif-examples, installed by the test command)
        Process enc = new ProcessBuilder("heif-enc", "-o", heic.toString(), png.toString()).redirectErrorStream(true)
                .start();
        String said = new String(enc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, enc.waitFor(), said);
        Attachment a = files.upload(AMY, VISIT, "IMG_0001.HEIC", Files.newInputStream(heic)).attachment();
        assertEquals(List.of("image/heic", ChatFiles.CLEAN), List.of(a.contentType(), a.scan()));
        ChatFiles.Link link = files.link(AMY, a.id());
        try (InputStream in = files.download(a.id(), grant(link), true).content().open()) {
            BufferedImage shown = ImageIO.read(in);
            assertEquals(List.of(64, 48), List.of(shown.getWidth(), shown.getHeight()));
        }
        byte[] pdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        Attachment doc = files.upload(AMY, VISIT, "letter.pdf", in(pdf)).attachment();
        ChatFiles.Link docLink = files.link(AMY, doc.id());
        assertEquals(null, docLink.previewUrl());
        assertThrows(NotFoundException.class, () -> files.download(doc.id(), grant(docLink), true));
    }

    private static WorkItem item(String attachmentId) {
        return new WorkItem("w-" + attachmentId, ChatFilesImpl.TOPIC, null, attachmentId, WorkState.RUNNING, 1,
                null, null, null, null, null, null);
    }
}
