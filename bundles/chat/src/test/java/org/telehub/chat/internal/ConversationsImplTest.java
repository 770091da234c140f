package org.telehub.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telehub.chat.internal.ChatFixture.AMY;
import static org.telehub.chat.internal.ChatFixture.DESK;
import static org.telehub.chat.internal.ChatFixture.ADMIN;
import static org.telehub.chat.internal.ChatFixture.GUEST;
import static org.telehub.chat.internal.ChatFixture.HOUSE;
import static org.telehub.chat.internal.ChatFixture.OTHER_GUEST;
import static org.telehub.chat.internal.ChatFixture.PATIENT;
import static org.telehub.chat.internal.ChatFixture.RORY;
import static org.telehub.chat.internal.ChatFixture.VISIT;
import static org.telehub.chat.internal.ChatFixture.config;
import static org.telehub.chat.internal.ChatFixture.visit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Message;
import org.telehub.chat.Conversations.Read;
import org.telehub.chat.Conversations.Sent;
import org.telehub.core.encounter.EncounterService;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Colleagues;

/**
 * The conversation service on a real PostgreSQL (skipped without {@code -Dtelehub.test.pg.url}): members, order,
 * idempotent retries, concurrent senders, closing, bad input. The encounter service and care relationships are the
 * fakes below: which visit each caller sees and which patient each reaches.
 */
class ConversationsImplTest {
    /** What was published to the realtime channel: "topic type sequence". */
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    private ChatFixture f;
    private List<String> audits;
    private ConversationsImpl chat;

    @BeforeEach
    void setUp() throws Exception {
        f = new ChatFixture();
        audits = f.audits;
        chat = new ConversationsImpl(new ChatSchema(f.jdbi), f.encounters, f.access, f.audit,
                (topic, type, data) -> published.add(topic + " " + type + " " + (data instanceof Message m
                        ? String.valueOf(m.sequence()) : data instanceof Conversations.Change ch
                        ? String.valueOf(ch.message().sequence()) : data instanceof Read r ? r.reader() + "@" + r.sequence()
                        : ((Map<?, ?>) data).containsKey("sender") ? ((Map<?, ?>) data).get("sender") + " "
                        + ((Map<?, ?>) data).get("senderName") : ((Map<?, ?>) data).get("encounterId") + "@"
                        + ((Map<?, ?>) data).get("sequence"))),
                f.work, config(168, 4000, 25), f.clock);
    }

    @Test
    void thePatientAndTheirDoctorTalkInOrderAndEveryStepIsAudited() {
        Sent a = chat.send(AMY, VISIT, "amy-1", "I have a rash since Monday.");
        Sent b = chat.send(HOUSE, VISIT, "house-1", "Send me a photo, please.");
        assertFalse(a.replayed());
        assertEquals(List.of(1L, 2L), List.of(a.message().sequence(), b.message().sequence()));
        assertEquals("Dr House", b.message().senderName());
        List<Message> all = chat.messages(HOUSE, VISIT, 0, 50);
        assertEquals(List.of("I have a rash since Monday.", "Send me a photo, please."),
                all.stream().map(Message::text).toList());
        assertEquals(List.of("Send me a photo, please."), chat.messages(AMY, VISIT, 1, 50).stream().map(Message::text).toList());
        assertEquals(2, chat.ofEncounter(AMY, VISIT).lastSequence());
        assertTrue(audits.contains("amy chat.send pat-1 ok"), audits.toString());
        assertTrue(audits.contains("dr.house chat.read pat-1 ok"), audits.toString());
        // each stored message is published to the conversation's followers, after its commit
        String topic = "conversation:" + a.message().conversationId();
        assertEquals(List.of(topic + " chat.message 1", topic + " chat.message 2"), published);
    }

    @Test
    void aRetriedSendIsTheSameMessageNotASecondOne() {
        Sent first = chat.send(AMY, VISIT, "amy-1", "Hello");
        Sent again = chat.send(AMY, VISIT, "amy-1", "Hello");
        assertTrue(again.replayed());
        assertEquals(first.message(), again.message());
        // another sender may use the same client id: it is theirs
        Sent house = chat.send(HOUSE, VISIT, "amy-1", "Hello Amy");
        assertFalse(house.replayed());
        assertEquals(2, chat.messages(AMY, VISIT, 0, 50).size());
        assertEquals(1L, count("SELECT count(*) FROM chat_message WHERE sender = 'amy'"));
        // the retry is published again (its first publish may have died with its node); followers drop repeats
        assertEquals(List.of(1L, 1L, 2L), published.stream().map(p -> Long.parseLong(p.split(" ")[2])).toList());
    }

    @Test
    void concurrentSendersGetOneGaplessOrderAndConcurrentRetriesStoreOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Sent>> sends = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                AuthenticatedUser who = t % 2 == 0 ? AMY : HOUSE;
                for (int i = 0; i < 25; i++) {
                    String id = who.username() + "-" + t + "-" + i;
                    sends.add(pool.submit(() -> chat.send(who, VISIT, id, "message " + id)));
                }
            }
            // the same message retried from 8 threads at once: stored once
            List<Future<Sent>> retries = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                retries.add(pool.submit(() -> chat.send(AMY, VISIT, "amy-retry", "once")));
            }
            for (Future<Sent> f : sends) {
                assertFalse(f.get().replayed());
            }
            long stored = retries.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).filter(s -> !s.replayed()).count();
            assertEquals(1, stored);
        } finally {
            pool.shutdown();
        }
        List<Long> seqs = new ArrayList<>();
        for (long after = 0;;) {
            List<Message> page = chat.messages(HOUSE, VISIT, after, 200);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(m -> seqs.add(m.sequence()));
            after = page.get(page.size() - 1).sequence();
        }
        assertEquals(LongStream.rangeClosed(1, 201).boxed().toList(), seqs);
        assertEquals(201L, count("SELECT last_sequence FROM chat_conversation"));
    }

    @Test
    void onlyWhoTakesPartInTheVisitIsAMemberAndOthersAreToldItDoesNotExist() {
        chat.send(AMY, VISIT, "amy-1", "Hello");
        for (AuthenticatedUser outsider : List.of(ADMIN, DESK, RORY, OTHER_GUEST)) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> chat.messages(outsider, VISIT, 0, 50),
                    outsider.username());
            assertEquals("No encounter " + VISIT, e.detail());
            assertThrows(NotFoundException.class, () -> chat.send(outsider, VISIT, "x-1", "hi"));
        }
        assertTrue(audits.contains("admin chat.read pat-1 denied"), audits.toString());
        assertTrue(audits.contains("desk chat.send pat-1 denied"), audits.toString());
        assertEquals(1L, count("SELECT count(*) FROM chat_message"));
        assertEquals(1, published.size(), "a refused send publishes nothing: " + published);
        // a guest of this visit (visit identity) takes part
        Sent g = chat.send(GUEST, VISIT, "g-1", "I am the interpreter's colleague");
        assertEquals("visit:p-9", g.message().sender());
        assertEquals(2, chat.messages(GUEST, VISIT, 0, 50).size());
        assertThrows(NotFoundException.class, () -> chat.messages(AMY, "enc-nowhere", 0, 50));
    }

    @Test
    void aVisitEndedLongerAgoThanTheSettingTakesNoNewMessagesButStaysReadable() {
        chat.send(AMY, VISIT, "amy-1", "Thank you, doctor");
        f.visits.put(VISIT, visit(VISIT, EncounterService.COMPLETED, f.now.minus(Duration.ofHours(10))));
        assertFalse(chat.ofEncounter(AMY, VISIT).readOnly());
        chat.send(HOUSE, VISIT, "house-1", "Take care");
        f.now = f.now.plus(Duration.ofHours(160));
        assertTrue(chat.ofEncounter(AMY, VISIT).readOnly());
        ConflictException closed = assertThrows(ConflictException.class, () -> chat.send(AMY, VISIT, "amy-2", "One more"));
        assertTrue(closed.detail().contains("168 hours"), closed.detail());
        int pushed = published.size();
        assertThrows(ConflictException.class, () -> chat.typing(AMY, VISIT), "no one types into a closed one");
        assertEquals(pushed, published.size());
        // an answer lost before the visit closed is still given on a retry
        assertTrue(chat.send(AMY, VISIT, "amy-1", "Thank you, doctor").replayed());
        assertEquals(2, chat.messages(AMY, VISIT, 0, 50).size());
    }

    @Test
    void badInputNamesTheFieldAndStoresNothing() {
        assertEquals("clientId", assertThrows(InvalidException.class, () -> chat.send(AMY, VISIT, null, "hi")).field());
        assertEquals("clientId", assertThrows(InvalidException.class, () -> chat.send(AMY, VISIT, "a b", "hi")).field());
        assertEquals("clientId", assertThrows(InvalidException.class,
                () -> chat.send(AMY, VISIT, "x".repeat(65), "hi")).field());
        assertEquals("text", assertThrows(InvalidException.class, () -> chat.send(AMY, VISIT, "a-1", " ")).field());
        assertEquals("text", assertThrows(InvalidException.class,
                () -> chat.send(AMY, VISIT, "a-1", "x".repeat(4001))).field());
        assertEquals("limit", assertThrows(InvalidException.class, () -> chat.messages(AMY, VISIT, 0, 0)).field());
        assertEquals("after", assertThrows(InvalidException.class, () -> chat.messages(AMY, VISIT, -1, 5)).field());
        // markup is text: stored as sent, never interpreted here
        String script = "<script>alert('x')</script>";
        assertEquals(script, chat.send(AMY, VISIT, "a-2", script).message().text());
        assertEquals(1L, count("SELECT count(*) FROM chat_message"));
    }

    @Test
    void theBookingEventMakesTheConversationOnceWhateverTheRetries() {
        ChatRooms rooms = new ChatRooms(new ChatSchema(f.jdbi));
        var booked = new org.telehub.core.encounter.event.EncounterEvent(1, VISIT,
                org.telehub.core.encounter.event.EncounterEventType.BOOKED, f.now, "desk", Map.of("patientId", PATIENT));
        rooms.onEvent(booked);
        rooms.onEvent(booked);
        assertEquals(1L, count("SELECT count(*) FROM chat_conversation"));
        assertEquals(ConversationStore.idOf(VISIT), chat.ofEncounter(AMY, VISIT).id());
        assertEquals(1L, count("SELECT count(*) FROM chat_conversation"));
    }

    @Test
    void readMarkersMoveForwardOnlyArePushedAndCountWhatIsUnread() {
        String conversation = chat.send(AMY, VISIT, "amy-1", "one").message().conversationId();
        chat.send(HOUSE, VISIT, "h-1", "two");
        chat.send(HOUSE, VISIT, "h-2", "three");
        // one's own messages count as read
        assertEquals(2, chat.ofEncounter(AMY, VISIT).unread());
        assertEquals(0, chat.ofEncounter(HOUSE, VISIT).unread());
        published.clear();
        Read r = chat.markRead(AMY, VISIT, 2);
        assertEquals(List.of("amy", "Amy Pond", 2L), List.of(r.reader(), r.readerName(), r.sequence()));
        assertEquals(1, chat.ofEncounter(AMY, VISIT).unread());
        assertEquals(2, chat.markRead(AMY, VISIT, 1).sequence(), "a marker never moves back");
        chat.markRead(AMY, VISIT, 3);
        String topic = "conversation:" + conversation;
        assertEquals(List.of(topic + " chat.read amy@2", "user:amy notice.changed enc-1@2", topic + " chat.read amy@3",
                "user:amy notice.changed enc-1@3"), published,
                "pushed when it moves, not when it stays (and to the reader's own topic: their notices changed)");
        assertEquals(List.of("amy@3", "dr.house@3"), chat.ofEncounter(HOUSE, VISIT).reads().stream()
                .map(x -> x.reader() + "@" + x.sequence()).toList());
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markRead(AMY, VISIT, 4)).field());
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markRead(AMY, VISIT, 0)).field());
        assertThrows(NotFoundException.class, () -> chat.markRead(DESK, VISIT, 1));
        assertTrue(audits.contains("desk chat.read pat-1 denied"), audits.toString());
    }

    @Test
    void typingIsPushedToTheConversationForMembersOnlyAndNothingIsStored() {
        chat.typing(HOUSE, VISIT);
        assertEquals(List.of("conversation:" + ConversationStore.idOf(VISIT) + " chat.typing dr.house Dr House"),
                published);
        assertThrows(NotFoundException.class, () -> chat.typing(DESK, VISIT));
        assertThrows(NotFoundException.class, () -> chat.typing(OTHER_GUEST, VISIT));
        assertEquals(1, published.size());
        assertEquals(0L, count("SELECT count(*) FROM chat_message"));
    }

    @Test
    void unreadCountsAreGivenForTheCallersOwnVisitsOnlyAndAuditNothing() {
        chat.send(HOUSE, VISIT, "h-1", "one");
        chat.send(HOUSE, VISIT, "h-2", "two");
        f.visits.put("enc-2", visit("enc-2", EncounterService.SCHEDULED, null));
        chat.ofEncounter(AMY, "enc-2"); // its conversation, without messages
        int audited = audits.size();
        // a visit without a conversation yet has nothing to count: left out
        assertEquals(Map.of(VISIT, 2L, "enc-2", 0L), chat.unread(AMY, List.of(VISIT, "enc-2", "enc-nowhere")));
        assertEquals(Map.of(VISIT, 0L, "enc-2", 0L), chat.unread(HOUSE, List.of(VISIT, "enc-2")));
        assertEquals(Map.of(VISIT, 2L), chat.unread(GUEST, List.of(VISIT, "enc-2")));
        assertEquals(Map.of(), chat.unread(DESK, List.of(VISIT)));
        assertEquals(Map.of(), chat.unread(RORY, List.of(VISIT)));
        assertEquals(audited, audits.size(), "counts read no encounter and no message: nothing audited");
        chat.markRead(AMY, VISIT, 2);
        chat.typing(AMY, VISIT);
        assertEquals(audited, audits.size(), "nor do a read marker and typing");
        assertEquals(Map.of(VISIT, 0L), chat.unread(AMY, List.of(VISIT)));
        assertEquals("encounterId", assertThrows(InvalidException.class,
                () -> chat.unread(AMY, Collections.nCopies(201, "enc-x"))).field());
    }

    /** The clinic's clinicians as the security bundle would find them: House, Wilson and Cuddy. */
    private static Colleagues colleagues() {
        Map<String, Colleagues.Colleague> all = Map.of(
                "dr.house", new Colleagues.Colleague("dr.house", "Dr House", java.util.Set.of("doctor")),
                "dr.wilson", new Colleagues.Colleague("dr.wilson", "Dr Wilson", java.util.Set.of("doctor")),
                "dr.cuddy", new Colleagues.Colleague("dr.cuddy", "Dr Cuddy", java.util.Set.of("doctor")));
        return new Colleagues() {
            @Override
            public java.util.Optional<Colleague> colleague(String username) {
                return java.util.Optional.ofNullable(all.get(username));
            }

            @Override
            public List<Colleague> colleagues(String prefix, int limit) {
                return all.values().stream().filter(c -> c.displayName().toLowerCase().contains(prefix.toLowerCase()))
                        .sorted(java.util.Comparator.comparing(Colleague::displayName)).limit(limit).toList();
            }
        };
    }

    @Test
    void twoCliniciansTalkDirectlyAndNobodyElseSeesTheirConversation() {
        AuthenticatedUser wilson = new AuthenticatedUser(8, "dr.wilson", "Dr Wilson", java.util.Set.of("doctor"));
        AuthenticatedUser cuddy = new AuthenticatedUser(9, "dr.cuddy", "Dr Cuddy", java.util.Set.of("doctor"));
        chat.accounts = colleagues();
        assertEquals(List.of(new Conversations.Colleague("dr.cuddy", "Dr Cuddy"),
                new Conversations.Colleague("dr.wilson", "Dr Wilson")), chat.colleagues(HOUSE, "dr"),
                "the caller is not their own colleague");
        Conversations.Conversation c = chat.openDirect(HOUSE, "dr.wilson");
        assertEquals(c.id(), chat.openDirect(wilson, "dr.house").id(), "one conversation per pair, whoever opens it");
        assertEquals(null, c.encounterId());
        assertEquals("Dr Wilson", c.colleagueName());
        String key = Conversations.direct(c.id());
        assertEquals("Dr House", chat.ofEncounter(wilson, key).colleagueName());
        assertEquals(1L, count("SELECT count(*) FROM chat_conversation WHERE kind = 'direct'"));

        published.clear();
        Sent ask = chat.send(HOUSE, key, "h-1", "Could you look at a rash with me?");
        Sent reply = chat.send(wilson, key, "w-1", "Send me the photo");
        assertEquals(List.of(1L, 2L), List.of(ask.message().sequence(), reply.message().sequence()));
        assertTrue(chat.send(wilson, key, "w-1", "Send me the photo").replayed());
        // the other member's bell is poked; no email/SMS check is planned (a colleague's address is not used)
        assertTrue(published.contains("user:dr.wilson notice.changed " + key + "@1"), published.toString());
        assertTrue(published.contains("user:dr.house notice.changed " + key + "@2"), published.toString());
        assertEquals(0L, count("SELECT count(*) FROM chat_notice_due"));
        // with no patient to name, the rows name the conversation (and on opening, the colleague)
        assertTrue(audits.contains("dr.house chat.send null ok · direct " + c.id()), audits.toString());
        assertTrue(audits.contains("dr.house chat.direct.open null ok · direct " + c.id() + " with dr.wilson"),
                audits.toString());

        // the bell and the messages list show it to its members only, by the colleague's name
        Conversations.Notices n = chat.notices(HOUSE, 10);
        assertEquals(1, n.items().size(), n.toString());
        assertEquals("Dr Wilson", n.items().get(0).colleagueName());
        assertEquals(null, n.items().get(0).encounterId());
        assertEquals(0, chat.notices(wilson, 10).items().size(), "one's own messages are read");
        chat.markSeen(HOUSE, List.of(new Conversations.Seen(key, 2)));
        assertEquals(0, chat.notices(HOUSE, 10).items().size());

        // the same calls as a visit's: reading, receipts, editing, typing
        assertEquals(1L, chat.ofEncounter(HOUSE, key).unread(), "seen is not read");
        chat.markRead(HOUSE, key, 2);
        assertEquals(0L, chat.ofEncounter(HOUSE, key).unread());
        assertEquals("Could you look at a rash with me, please?", chat.edit(HOUSE, key, ask.message().id(),
                "Could you look at a rash with me, please?").text());
        assertEquals(1, chat.history(wilson, key, ask.message().id()).size());
        chat.typing(wilson, key);

        Conversations.Summary mine = chat.recent(wilson, null, 10).items().get(0);
        assertEquals("Dr House", mine.colleagueName());
        assertEquals("Send me the photo", mine.lastText());
        assertEquals(0, chat.recent(cuddy, null, 10).items().size());
        assertEquals(0, chat.recent(AMY, null, 10).items().size());

        // anyone else: the conversation does not exist
        for (AuthenticatedUser other : List.of(cuddy, AMY, ADMIN, DESK, GUEST,
                new AuthenticatedUser(2, "dr.house", "Dr House", java.util.Set.of("patient")))) {
            assertEquals("No conversation " + c.id(), assertThrows(NotFoundException.class,
                    () -> chat.messages(other, key, 0, 50)).getMessage(), other.username());
            assertThrows(NotFoundException.class, () -> chat.send(other, key, "x-1", "hello"));
        }
        assertThrows(NotFoundException.class, () -> chat.messages(HOUSE, Conversations.direct("nope"), 0, 50));
        assertTrue(audits.contains("dr.cuddy chat.read null denied · direct " + c.id()), audits.toString());
        // only clinicians open one, with a colleague who is one
        assertThrows(org.telehub.domain.ForbiddenException.class, () -> chat.openDirect(AMY, "dr.house"));
        assertThrows(org.telehub.domain.ForbiddenException.class, () -> chat.openDirect(GUEST, "dr.house"));
        assertThrows(org.telehub.domain.ForbiddenException.class, () -> chat.colleagues(AMY, "dr"));
        assertEquals("username", assertThrows(InvalidException.class, () -> chat.openDirect(HOUSE, "amy")).field());
        assertEquals("username", assertThrows(InvalidException.class,
                () -> chat.openDirect(HOUSE, "dr.house")).field());
        assertEquals("q", assertThrows(InvalidException.class, () -> chat.colleagues(HOUSE, "d")).field());
        assertEquals(1L, count("SELECT count(*) FROM chat_conversation WHERE kind = 'direct'"));
        // it is in no patient's record
        assertEquals(0L, count("SELECT count(*) FROM chat_conversation WHERE kind = 'direct' AND patient_id IS NOT NULL"));
    }

    private long count(String sql) {
        return f.count(sql);
    }

    @Test
    void recentListsTheCallersConversationsNewestFirstPageByPage() {
        f.visits.put("enc-2", visit("enc-2", EncounterService.SCHEDULED, null));
        chat.send(HOUSE, VISIT, "h1", "First visit's message", null);
        f.now = f.now.plusSeconds(60);
        chat.send(AMY, "enc-2", "a1", "x".repeat(300), null);
        f.now = f.now.plusSeconds(60);
        chat.send(HOUSE, "enc-2", "h2", "Second visit, newest", null);
        f.visits.put("enc-3", visit("enc-3", EncounterService.SCHEDULED, null));
        chat.ofEncounter(AMY, "enc-3"); // a conversation without messages is not listed
        audits.clear();

        Conversations.Recent page = chat.recent(AMY, null, 1);
        assertEquals(1, page.items().size());
        Conversations.Summary newest = page.items().get(0);
        assertEquals("enc-2", newest.encounterId());
        assertEquals("Second visit, newest", newest.lastText());
        assertEquals("Dr House", newest.lastSenderName());
        assertEquals("Dr House", newest.doctorName());
        assertEquals(1, newest.unread(), "the doctor's reply; Amy's own message is read");
        assertTrue(audits.contains("amy chat.read " + PATIENT + " ok"), audits.toString());
        Conversations.Recent second = chat.recent(AMY, page.next(), 1);
        assertEquals(List.of(VISIT), second.items().stream().map(Conversations.Summary::encounterId).toList());
        assertEquals(1, second.items().get(0).unread());
        assertEquals(List.of(), chat.recent(AMY, second.next(), 1).items());

        assertEquals(2, chat.recent(HOUSE, null, 20).items().size());
        f.now = f.now.plusSeconds(60);
        chat.send(AMY, VISIT, "a2", "y".repeat(300), null);
        Conversations.Summary top = chat.recent(AMY, null, 20).items().get(0);
        assertEquals(VISIT, top.encounterId(), "a new message moves its conversation to the top");
        assertEquals("y".repeat(140), top.lastText(), "cut to 140 characters");
        assertEquals(0, top.unread(), "a send moves the sender's marker");
        assertEquals(List.of(VISIT), chat.recent(GUEST, null, 20).items().stream()
                .map(Conversations.Summary::encounterId).toList(), "a guest sees their visit's only");
        assertEquals(List.of(), chat.recent(RORY, null, 20).items(), "another patient sees none");
        assertEquals(List.of(), chat.recent(ADMIN, null, 20).items());
        assertEquals("limit", assertThrows(InvalidException.class, () -> chat.recent(AMY, null, 51)).field());
        assertEquals("cursor", assertThrows(InvalidException.class, () -> chat.recent(AMY, "nonsense", 5)).field());
    }

    @Test
    void noticesListWhatOthersWroteUntilSeenOrReadArePushedToTheVisitsPeopleAndSayNoText() {
        chat.contacts = id -> id.equals(VISIT) ? java.util.Optional.of(new org.telehub.core.encounter.VisitContacts
                .Visit(VISIT, EncounterService.SCHEDULED, f.now, "video", new org.telehub.core.encounter.VisitContacts
                        .Person("patient", PATIENT, "amy", "Amy Pond", null, null, "UTC"),
                        new org.telehub.core.encounter.VisitContacts.Person("doctor", "doc-1", "dr.house", "Dr House",
                                null, null, "UTC"), "https://hub/encounters/" + VISIT)) : java.util.Optional.empty();
        f.visits.put("enc-2", visit("enc-2", EncounterService.SCHEDULED, null));
        chat.send(AMY, VISIT, "a1", "My rash", null);
        chat.send(HOUSE, VISIT, "h1", "Photo please", null);
        f.now = f.now.plusSeconds(60);
        chat.send(HOUSE, VISIT, "h2", "Any news?", null);
        f.now = f.now.plusSeconds(60);
        chat.send(HOUSE, "enc-2", "h3", "Second visit", null);
        // the doctor's messages poke Amy's own topic (ids only), Amy's own poke the doctor; never the sender
        assertTrue(published.contains("user:amy notice.changed enc-1@3"), published.toString());
        assertTrue(published.contains("user:dr.house notice.changed enc-1@1"), published.toString());
        assertFalse(published.contains("user:amy notice.changed enc-1@1"), published.toString());
        audits.clear();

        Conversations.Notices n = chat.notices(AMY, 20);
        assertEquals(List.of("enc-2", VISIT), n.items().stream().map(Conversations.Notice::encounterId).toList());
        Conversations.Notice first = n.items().get(1);
        assertEquals(List.of(2L, 3L, "Dr House", "Dr House"), List.of(first.count(), first.newest(),
                first.fromName(), first.doctorName()));
        assertEquals(3, n.unseen());
        assertFalse(n.more());
        assertFalse(n.toString().contains("Photo please"), "a notice never carries what was written");
        assertTrue(audits.contains("amy chat.read " + PATIENT + " ok"), audits.toString());
        assertEquals(1, chat.notices(AMY, 1).items().size());
        assertTrue(chat.notices(AMY, 1).more());
        assertEquals(List.of(), chat.notices(HOUSE, 20).items(), "the doctor answered Amy: his send read hers");
        assertEquals(List.of(), chat.notices(DESK, 20).items(), "nothing of a visit one is not in");
        assertEquals(List.of(), chat.notices(RORY, 20).items());

        // seen: gone from the list, but still unread (receipts and counts are reading's, not seeing's)
        published.clear();
        assertEquals(List.of(new Conversations.Seen(VISIT, 3)), chat.markSeen(AMY, List.of(
                new Conversations.Seen(VISIT, 3))));
        assertEquals(List.of("user:amy notice.changed enc-1@3"), published, "the caller's other tabs are told");
        assertEquals(List.of("enc-2"), chat.notices(AMY, 20).items().stream()
                .map(Conversations.Notice::encounterId).toList());
        assertEquals(2, chat.ofEncounter(AMY, VISIT).unread());
        assertEquals(3, chat.markSeen(AMY, List.of(new Conversations.Seen(VISIT, 1))).get(0).sequence(),
                "a mark never moves back");
        // a new message after the mark is a notice again
        chat.send(HOUSE, VISIT, "h4", "Hello?", null);
        assertEquals(1, chat.notices(AMY, 20).items().stream().filter(x -> x.encounterId().equals(VISIT))
                .findFirst().orElseThrow().count());
        // reading clears it as well
        chat.markRead(AMY, VISIT, 4);
        chat.markRead(AMY, "enc-2", 1);
        assertEquals(List.of(), chat.notices(AMY, 20).items());

        // refused as a whole, nothing written: a visit not one's own, a mark past the end, bad input
        long marks = count("SELECT count(*) FROM chat_notice");
        assertThrows(NotFoundException.class, () -> chat.markSeen(DESK, List.of(new Conversations.Seen(VISIT, 1))));
        assertThrows(NotFoundException.class, () -> chat.markSeen(HOUSE, List.of(new Conversations.Seen(VISIT, 4),
                new Conversations.Seen("enc-nowhere", 1))));
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markSeen(HOUSE, List.of(
                new Conversations.Seen(VISIT, 9)))).field());
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markSeen(HOUSE, List.of(
                new Conversations.Seen(VISIT, 0)))).field());
        assertEquals("seen", assertThrows(InvalidException.class, () -> chat.markSeen(HOUSE, List.of())).field());
        assertEquals("limit", assertThrows(InvalidException.class, () -> chat.notices(HOUSE, 51)).field());
        assertEquals(marks, count("SELECT count(*) FROM chat_notice"));
    }

    @Test
    void aSenderEditsAndRetractsTheirOwnMessageEarlierTextsAreKeptAndChangesArePushedInOrder() {
        Message first = chat.send(AMY, VISIT, "a1", "I hav a rash", null).message();
        Message other = chat.send(HOUSE, VISIT, "h1", "Since when?", null).message();
        String topic = "conversation:" + first.conversationId();
        published.clear();
        audits.clear();

        Message edited = chat.edit(AMY, VISIT, first.id(), "I have a rash");
        assertEquals("I have a rash", edited.text());
        assertEquals(1, edited.sequence(), "a change keeps the message's place");
        assertEquals(f.now, edited.editedAt());
        assertEquals(edited, chat.edit(AMY, VISIT, first.id(), "I have a rash"), "the same text: nothing changes");
        f.now = f.now.plusSeconds(30);
        Message again = chat.edit(AMY, VISIT, first.id(), "I have a rash on my arm");
        assertEquals(List.of("I hav a rash", "I have a rash"), chat.history(HOUSE, VISIT, first.id()).stream()
                .map(Conversations.Version::text).toList(), "what it said before, oldest first, for every member");
        assertEquals(List.of(1, 2), chat.history(AMY, VISIT, first.id()).stream()
                .map(Conversations.Version::version).toList());
        assertEquals("I have a rash on my arm", chat.messages(HOUSE, VISIT, 0, 50).get(0).text());
        assertEquals(2, chat.ofEncounter(HOUSE, VISIT).revision());
        assertEquals(List.of(topic + " chat.changed 1", topic + " chat.changed 1"), published,
                "each change pushed once, the repeat not");
        assertTrue(audits.contains("amy chat.edit " + PATIENT + " ok"), audits.toString());

        // only its sender; a member who did not send it is refused (audited), an outsider told it does not exist
        assertEquals(403, assertThrows(org.telehub.domain.ForbiddenException.class,
                () -> chat.edit(HOUSE, VISIT, first.id(), "Changed by the doctor")).status());
        assertTrue(audits.contains("dr.house chat.edit " + PATIENT + " denied: not the sender"), audits.toString());
        assertThrows(NotFoundException.class, () -> chat.retract(DESK, VISIT, first.id()));
        assertThrows(NotFoundException.class, () -> chat.edit(AMY, VISIT, "no-such-message", "x"));
        assertEquals("text", assertThrows(InvalidException.class, () -> chat.edit(AMY, VISIT, first.id(), " "))
                .field());

        // retracted: empty, no file, its history hidden, a second retraction a repeat, no edit after it
        Message gone = chat.retract(HOUSE, VISIT, other.id());
        assertEquals("", gone.text());
        assertEquals(f.now, gone.retractedAt());
        assertEquals(gone, chat.retract(HOUSE, VISIT, other.id()));
        assertEquals(List.of(), chat.history(AMY, VISIT, other.id()));
        assertThrows(ConflictException.class, () -> chat.edit(HOUSE, VISIT, other.id(), "Since when, exactly?"));
        assertEquals("", chat.messages(AMY, VISIT, 0, 50).get(1).text());
        assertEquals("Since when?", f.jdbi.withHandle(h -> h.createQuery("SELECT body FROM chat_message_version"
                + " WHERE message_id = :m").bind("m", other.id()).mapTo(String.class).one()),
                "kept for the record, shown to no one");

        // what a client that comes back missed: the changes after its change number, up to what it has
        assertEquals(List.of(2L, 3L), chat.changes(AMY, VISIT, 1, 2, 50).stream()
                .map(Conversations.Change::revision).toList());
        assertEquals(List.of(first.id()), chat.changes(AMY, VISIT, 0, 1, 50).stream()
                .map(c -> c.message().id()).distinct().toList(), "up to the messages it has");
        assertEquals(List.of(), chat.changes(AMY, VISIT, 3, 2, 50));

        // too late, and in a closed conversation
        f.now = f.now.plusSeconds(1441 * 60);
        assertTrue(assertThrows(ConflictException.class, () -> chat.edit(AMY, VISIT, first.id(), "Late"))
                .detail().contains("1440 minutes"));
        assertEquals(3, chat.ofEncounter(AMY, VISIT).revision(), "nothing changed by the refusals");
    }

    @Test
    void deliveryReceiptsMoveForwardOnlyNeverBelowTheReadMarkerAndArePushed() {
        chat.send(HOUSE, VISIT, "h1", "one", null);
        chat.send(HOUSE, VISIT, "h2", "two", null);
        chat.send(HOUSE, VISIT, "h3", "three", null);
        String topic = "conversation:" + ConversationStore.idOf(VISIT);
        published.clear();
        int audited = audits.size();
        Read d = chat.markDelivered(AMY, VISIT, 2);
        assertEquals(List.of(0L, 2L), List.of(d.sequence(), d.delivered()), "received, not read");
        assertEquals(2, chat.markDelivered(AMY, VISIT, 1).delivered(), "never back");
        assertEquals(audited, audits.size(), "nothing read, nothing audited");
        assertEquals(3, chat.ofEncounter(AMY, VISIT).unread(), "a receipt is not reading");
        Read read = chat.markRead(AMY, VISIT, 3);
        assertEquals(3, read.delivered(), "reading is receiving");
        assertEquals(3, chat.markDelivered(AMY, VISIT, 2).delivered());
        assertEquals(List.of(topic + " chat.read amy@0", topic + " chat.read amy@3", "user:amy notice.changed enc-1@3"),
                published, "pushed when it moved");
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markDelivered(AMY, VISIT, 4)).field());
        assertEquals("sequence", assertThrows(InvalidException.class, () -> chat.markDelivered(AMY, VISIT, 0)).field());
        assertThrows(NotFoundException.class, () -> chat.markDelivered(DESK, VISIT, 1));
        // the doctor sees Amy's marks: delivered 3, read 3
        assertEquals(List.of("amy 3/3", "dr.house 3/3"), chat.ofEncounter(HOUSE, VISIT).reads().stream()
                .map(r -> r.reader() + " " + r.sequence() + "/" + r.delivered()).toList());
    }
}
