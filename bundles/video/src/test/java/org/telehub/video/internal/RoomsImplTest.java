package org.telehub.video.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Seat;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.persistence.TestDatabases;
import org.telehub.realtime.Fanout;
import org.telehub.realtime.TopicFollower;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.video.Rooms;
import org.telehub.video.Rooms.Joined;

/**
 * The rooms on a real PostgreSQL database, with fakes of what other bundles decide: each caller's seat in the one
 * visit (as {@code EncounterService.seat} answers), the visit's lifecycle, the audit log and the realtime fan-out (as
 * lines), the clock.
 */
class RoomsImplTest {
    /** As the realtime fan-out writes events (instants as ISO text). */
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());
    static final String VISIT = "enc-1";
    static final AuthenticatedUser HOUSE = user("dr.house", "doctor");
    static final AuthenticatedUser AMY = user("amy", "patient");
    static final AuthenticatedUser WILSON = user("dr.wilson", "doctor");
    static final AuthenticatedUser RORY = user("rory", "patient");
    static final AuthenticatedUser ADMIN = user("admin", "admin");
    static final AuthenticatedUser GUEST = new AuthenticatedUser(9, "visit:p-1", "Guest", Set.of("guest:" + VISIT));

    final List<String> published = Collections.synchronizedList(new ArrayList<>());
    final List<String> transitions = new ArrayList<>();
    final Map<String, Object> settings = new HashMap<>();
    Instant now = Instant.parse("2026-12-03T10:00:00Z");
    String status = EncounterService.CONFIRMED;
    String type = "video";
    Instant start = now.plusSeconds(300);
    boolean recorded;
    final List<String> consents = new ArrayList<>();
    final Map<String, List<TopicFollower.Listener>> followers = new java.util.concurrent.ConcurrentHashMap<>();
    final MemoryFiles files = new MemoryFiles();
    final FakeEngine engine = new FakeEngine();
    RoomsImpl rooms;
    Fanout fanout;
    TopicFollower topics;
    final java.util.concurrent.ScheduledExecutorService pool = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor();
    VideoConfig config;

    private static AuthenticatedUser user(String name, String role) {
        return new AuthenticatedUser(name.hashCode(), name, name, Set.of(role));
    }

    @BeforeEach
    void setUp() throws Exception {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        for (String m : new String[] {"V1__rooms.sql", "V2__quality.sql", "V3__recording.sql",
                "V4__handover.sql", "V5__camera.sql"}) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/video/" + m)) {
                String sql = new String(in.readAllBytes(), UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        EncounterService encounters = (EncounterService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EncounterService.class}, (p, m, args) -> switch (m.getName()) {
                    case "seat" -> seat((AuthenticatedUser) args[0], (String) args[1]);
                    case "get" -> {
                        seat(ADMIN.equals(args[0]) ? HOUSE : (AuthenticatedUser) args[0], (String) args[1]);
                        yield details();
                    }
                    case "transition" -> {
                        EncounterService.Action a = (EncounterService.Action) args[2];
                        transitions.add(a.wireName() + " by " + ((AuthenticatedUser) args[0]).username());
                        if (a == EncounterService.Action.START && !status.equals(EncounterService.IN_PROGRESS)) {
                            status = EncounterService.IN_PROGRESS;
                        } else if (a == EncounterService.Action.END && status.equals(EncounterService.IN_PROGRESS)) {
                            status = EncounterService.COMPLETED;
                        } else {
                            throw new ConflictException("Illegal transition");
                        }
                        yield details();
                    }
                    case "consentToRecording" -> {
                        consents.add(((AuthenticatedUser) args[0]).username());
                        yield details();
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        AuditLog audit = (AuditLog) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AuditLog.class}, (p, m, args) -> null);
        fanout = (topic, t, data) -> {
            published.add(topic + " " + t);
            for (TopicFollower.Listener l : List.copyOf(followers.getOrDefault(topic, List.of()))) { // signals only
                l.onEvent(t, JSON.valueToTree(data));
            }
        };
        topics = (topic, listener) -> {
            followers.computeIfAbsent(topic, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(listener);
            return () -> followers.get(topic).remove(listener);
        };
        config = (VideoConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VideoConfig.class}, (p, m, args) -> settings.getOrDefault(m.getName(),
                        m.getDefaultValue()));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        rooms = new RoomsImpl(new VideoSchema(jdbi), encounters, audit, fanout, topics, files, config, pool, clock);
        rooms.engine = engine;
    }

    /** House runs the visit, Amy is its patient, Wilson an invited colleague, a guest; Rory is nobody's. */
    private Seat seat(AuthenticatedUser caller, String id) {
        if (!id.equals(VISIT) || caller == RORY) {
            throw new NotFoundException("No encounter " + id);
        }
        String role = switch (caller.username()) {
            case "dr.house" -> "moderator";
            case "amy" -> "patient";
            case "dr.wilson" -> "colleague";
            case "visit:p-1" -> "guest";
            case "visit:p-2" -> "interpreter";
            default -> throw new ForbiddenException("Only the visit's doctor, its patient and the people invited");
        };
        return new Seat(VISIT, "room-1", type, status, "pat-1", "Dr House", role, caller.username(),
                caller.displayName(), start, start.plusSeconds(1800), start.minusSeconds(600), recorded);
    }

    private EncounterService.EncounterDetails details() {
        return new EncounterService.EncounterDetails(VISIT, type, status, List.of(), "doc-1", "Dr House", "pat-1",
                "Amy", start, start.plusSeconds(1800), 30, "UTC", null, null, null, null, null, List.of(), false, null,
                null, null, false, null, "room-1", Map.of(), null, 1, "admin", now, now);
    }

    private static int status(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (DomainException e) {
            return e.status();
        }
    }

    @Test
    void thePatientWaitsAndNothingOfHersIsRelayedUntilTheDoctorLetsHerInWhichStartsTheVisit() {
        Joined amy = rooms.join(AMY, VISIT, "amy-tab-0001");
        assertEquals(List.of(Rooms.WAITING, "patient"), List.of(amy.state(), amy.role()));
        assertNull(amy.room(), "a waiting peer sees nobody");
        Joined house = rooms.join(HOUSE, VISIT, "house-tab-001");
        assertEquals(Rooms.ADMITTED, house.state());
        assertEquals(List.of("amy"), house.room().waiting().stream().map(Rooms.Waiting::member).toList());
        published.clear();
        assertEquals(409, status(() -> rooms.signal(AMY, VISIT, "amy-tab-0001", "house-tab-001", Map.of("type", "offer"), null)));
        assertEquals(404, status(() -> rooms.signal(HOUSE, VISIT, "house-tab-001", "amy-tab-0001", Map.of("type", "offer"), null)),
                "nobody signals a waiting peer");
        assertEquals(409, status(() -> rooms.media(AMY, VISIT, "amy-tab-0001", true, true, false)));
        assertEquals(List.of(), published, "nothing was relayed");
        assertEquals(403, status(() -> rooms.admit(AMY, VISIT, "amy")), "only the moderator admits");

        rooms.admit(HOUSE, VISIT, "amy");
        assertEquals(List.of("start by dr.house"), transitions, "the first admission starts the visit");
        assertTrue(published.contains(Rooms.peerTopic("amy-tab-0001") + " video.admitted"), published.toString());
        Joined in = rooms.join(AMY, VISIT, "amy-tab-0001");
        assertEquals(Rooms.ADMITTED, in.state());
        assertEquals(List.of(), in.room().waiting(), "who waits is for the moderator");
        rooms.signal(AMY, VISIT, "amy-tab-0001", "house-tab-001", Map.of("type", "offer", "sdp", "v=0"), null);
        assertTrue(published.contains(Rooms.peerTopic("house-tab-001") + " video.signal"));

        // a dropped network is not an end: she comes back (another tab) and is in at once; a second admission of
        // someone else does not start the visit again
        rooms.gone(VISIT, "amy-tab-0001");
        assertEquals(Rooms.ADMITTED, rooms.join(AMY, VISIT, "amy-tab-0002").state());
        rooms.join(GUEST, VISIT, "guest-tab-001");
        rooms.admit(HOUSE, VISIT, "visit:p-1");
        assertEquals(1, transitions.size(), transitions.toString());
    }

    @Test
    void aSecondTabReplacesTheFirstWhoseLateGoneChangesNothing() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        published.clear();
        Joined again = rooms.join(WILSON, VISIT, "wilson-tab-02");
        assertEquals(Rooms.ADMITTED, again.state(), "a colleague enters at once");
        assertTrue(published.contains(Rooms.peerTopic("wilson-tab-01") + " video.replaced"), published.toString());
        rooms.gone(VISIT, "wilson-tab-01");
        assertEquals(List.of("house-tab-001", "wilson-tab-02"), rooms.join(HOUSE, VISIT, "house-tab-001").room()
                .peers().stream().map(Rooms.Peer::peerId).toList());
    }

    @Test
    void turnedAwayOrSentOutTheyWaitAgainAndTheDoctorIsToldWhy() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        rooms.reject(HOUSE, VISIT, "amy", "Please call the front desk");
        assertEquals(409, status(() -> rooms.ping(AMY, VISIT, "amy-tab-0001")), "out of the room");
        Joined back = rooms.join(AMY, VISIT, "amy-tab-0002");
        assertEquals(Rooms.WAITING, back.state());
        Rooms.Waiting w = rooms.join(HOUSE, VISIT, "house-tab-001").room().waiting().get(0);
        assertEquals("rejected", w.note());
        rooms.admit(HOUSE, VISIT, "amy");
        rooms.join(AMY, VISIT, "amy-tab-0002");
        rooms.remove(HOUSE, VISIT, "amy");
        assertEquals(409, status(() -> rooms.signal(AMY, VISIT, "amy-tab-0002", "house-tab-001", null, Map.of("candidate", ""))));
        assertEquals(Rooms.WAITING, rooms.join(AMY, VISIT, "amy-tab-0003").state(), "removed: waits again");
        assertEquals(400, status(() -> rooms.remove(HOUSE, VISIT, "dr.house")), "the moderator ends, not removes");
    }

    @Test
    void aRemovedColleagueWaitsLikeEveryoneElseAndAReplacedTabCannotSpeakForTheMember() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        rooms.join(WILSON, VISIT, "wilson-tab-02"); // replaces the first
        assertEquals(409, status(() -> rooms.signal(WILSON, VISIT, "wilson-tab-01", "house-tab-001", null,
                Map.of("candidate", ""))), "the replaced tab is not the member's peer");
        assertEquals(409, status(() -> rooms.media(WILSON, VISIT, "wilson-tab-01", false, false, false)));
        rooms.signal(WILSON, VISIT, "wilson-tab-02", "house-tab-001", null, Map.of("candidate", ""));
        rooms.remove(HOUSE, VISIT, "dr.wilson");
        Joined back = rooms.join(WILSON, VISIT, "wilson-tab-03");
        assertEquals(Rooms.WAITING, back.state(), "sent out: a colleague too waits to be let in again");
        assertEquals(List.of(), back.iceServers(), "no relay credentials while waiting");
        assertEquals("removed", rooms.join(HOUSE, VISIT, "house-tab-001").room().waiting().get(0).note());
    }

    @Test
    void aRoomHoldsFourPeople() {
        settings.put("turnUrls", new String[] {"turn:127.0.0.1:3478?transport=udp"});
        settings.put("turnSecret", "s3cret");
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        rooms.admit(HOUSE, VISIT, "amy");
        Joined amy = rooms.join(AMY, VISIT, "amy-tab-0001");
        assertEquals(1, amy.iceServers().size(), "admitted: TURN credentials");
        rooms.join(GUEST, VISIT, "guest-tab-001");
        rooms.admit(HOUSE, VISIT, "visit:p-1");
        rooms.join(GUEST, VISIT, "guest-tab-001");
        AuthenticatedUser cuddy = new AuthenticatedUser(77, "visit:p-2", "Interpreter", Set.of("interpreter:" + VISIT));
        assertEquals(4, rooms.join(HOUSE, VISIT, "house-tab-001").room().peers().size());
        rooms.join(cuddy, VISIT, "cuddy-tab-001");
        ConflictException full = assertThrows(ConflictException.class, () -> rooms.admit(HOUSE, VISIT, "visit:p-2"));
        assertEquals("Room full", full.title());
        rooms.leave(GUEST, VISIT, "guest-tab-001");
        rooms.admit(HOUSE, VISIT, "visit:p-2"); // a place is free again
    }

    @Test
    void onlyTheVisitsPeopleAndOnlyWhileTheRoomIsOpen() {
        assertEquals(404, status(() -> rooms.join(RORY, VISIT, "rory-tab-0001")));
        assertEquals(403, status(() -> rooms.join(ADMIN, VISIT, "admin-tab-001")));
        assertEquals(404, status(() -> rooms.signal(RORY, VISIT, null, "x-tab-000001", null, Map.of("candidate", ""))),
                "a room tells outsiders nothing, not even that they are not in it");
        start = now.plusSeconds(3600);
        ConflictException early = assertThrows(ConflictException.class, () -> rooms.join(AMY, VISIT,
                "amy-tab-0001"));
        assertEquals("Too early", early.title());
        start = now.plusSeconds(300);
        type = "in_person";
        assertEquals("No video room", assertThrows(ConflictException.class, () -> rooms.join(AMY, VISIT,
                "amy-tab-0001")).title());
        type = "audio";
        assertTrue(rooms.join(AMY, VISIT, "amy-tab-0001").audioOnly());
        status = EncounterService.COMPLETED;
        assertEquals("Visit ended", assertThrows(ConflictException.class, () -> rooms.join(AMY, VISIT,
                "amy-tab-0001")).title());
    }

    @Test
    void aPeerNotHeardFromForThreeHeartbeatsIsGone() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        now = now.plusSeconds(45);
        rooms.ping(HOUSE, VISIT, "house-tab-001");
        now = now.plusSeconds(20); // Wilson last heard 65 s ago, three heartbeats are 60 s
        assertEquals(List.of("dr.house"), rooms.join(HOUSE, VISIT, "house-tab-001").room().peers().stream()
                .map(Rooms.Peer::member).toList());
        assertEquals(404, status(() -> rooms.signal(HOUSE, VISIT, "house-tab-001", "wilson-tab-01", null, Map.of("candidate", ""))));
    }

    @Test
    void theDoctorEndsTheVisitForEveryoneWaitingOrIn() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        rooms.admit(HOUSE, VISIT, "amy");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        rooms.join(GUEST, VISIT, "guest-tab-001");
        published.clear();
        assertEquals(403, status(() -> rooms.end(AMY, VISIT)));
        rooms.end(HOUSE, VISIT);
        assertEquals(List.of("start by dr.house", "end by dr.house"), transitions);
        for (String p : List.of("house-tab-001", "amy-tab-0001", "guest-tab-001")) {
            assertTrue(published.contains(Rooms.peerTopic(p) + " video.ended"), p + ": " + published);
        }
        assertEquals(409, status(() -> rooms.ping(AMY, VISIT, "amy-tab-0001")));
    }

    @Test
    void eachBrowsersReportsAddUpToTheVisitsCallQualityForItsDoctorAndAdministrators() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        assertEquals(409, status(() -> rooms.quality(AMY, VISIT, "amy-tab-0001", new Rooms.Sample(40, 0, 500, false))),
                "not in the room: nothing kept");
        rooms.quality(HOUSE, VISIT, "house-tab-001", new Rooms.Sample(20, 0.0, 900, false));
        now = now.plusSeconds(10);
        rooms.quality(HOUSE, VISIT, "house-tab-001", new Rooms.Sample(60, 3.0, 700, true));
        rooms.quality(WILSON, VISIT, "wilson-tab-01", new Rooms.Sample(30, 1.0, 400, false));
        assertEquals(400, status(() -> rooms.quality(HOUSE, VISIT, "house-tab-001", new Rooms.Sample(-1, 0, 0, false))));
        assertEquals(400, status(() -> rooms.quality(HOUSE, VISIT, "house-tab-001", new Rooms.Sample(1, 101, 0, false))));
        List<Rooms.Quality> q = rooms.quality(HOUSE, VISIT);
        assertEquals(List.of("dr.house", "dr.wilson"), q.stream().map(Rooms.Quality::member).toList());
        Rooms.Quality house = q.get(0);
        assertEquals(List.of(2, 40, 60, 800), List.of(house.samples(), house.rttMsAvg(), house.rttMsMax(),
                house.kbpsInAvg()));
        assertEquals(List.of(1.5, 3.0), List.of(house.lossPercentAvg(), house.lossPercentMax()));
        assertTrue(house.relayed(), "relayed once: relayed");
        assertEquals(now.minusSeconds(10), house.firstAt());
        assertEquals(2, rooms.quality(ADMIN, VISIT).size(), "an administrator investigates a complaint");
        assertEquals(403, status(() -> rooms.quality(WILSON, VISIT)));
        assertEquals(403, status(() -> rooms.quality(AMY, VISIT)));
        assertEquals(404, status(() -> rooms.quality(RORY, VISIT)));
        status = EncounterService.IN_PROGRESS;
        rooms.end(HOUSE, VISIT); // the summary outlives the call
        assertEquals(2, rooms.quality(HOUSE, VISIT).size());
    }

    @Test
    void turnCredentialsAreCoturnsRestSchemeForThePeerAndRelayOnlyNeedsTurn() {
        assertEquals("HpKpttwpok0UAohEbHcnLDkuXNs=", IceServers.credential("s3cret", "1700000000:peer1"),
                "as openssl dgst -sha1 -hmac s3cret computes it");
        settings.put("relayOnly", true);
        assertThrows(UnavailableException.class, () -> rooms.join(HOUSE, VISIT, "house-tab-001"));
        settings.put("turnUrls", new String[] {"turn:127.0.0.1:3478?transport=udp"});
        settings.put("turnSecret", "s3cret");
        Joined j = rooms.join(HOUSE, VISIT, "house-tab-001");
        assertEquals("relay", j.iceTransportPolicy());
        Map<String, Object> turn = j.iceServers().get(0);
        String username = (String) turn.get("username");
        assertEquals(now.plusSeconds(240 * 60).getEpochSecond() + ":house-tab-001", username,
                "the peer, not the person, and the configured lifetime");
        assertEquals(IceServers.credential("s3cret", username), turn.get("credential"));
    }

    @Test
    void theDoctorHandsTheLeadToAColleagueWhoThenAdmitsAndTheDoctorTakesItBack() {
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        assertEquals(403, status(() -> rooms.handOver(WILSON, VISIT, "dr.wilson")), "a colleague does not take it");
        assertEquals(404, status(() -> rooms.handOver(HOUSE, VISIT, "amy")), "the patient waits: not in the room");
        Rooms.Roster handed = rooms.handOver(HOUSE, VISIT, "dr.wilson");
        assertEquals("dr.wilson", handed.moderator());
        assertEquals(List.of("amy"), handed.waiting().stream().map(Rooms.Waiting::member).toList());
        assertEquals(403, status(() -> rooms.admit(HOUSE, VISIT, "amy")), "the doctor handed the lead over");
        rooms.admit(WILSON, VISIT, "amy");
        assertEquals(List.of("start by dr.wilson"), transitions, "whoever leads starts the visit");
        assertEquals(List.of(), rooms.join(HOUSE, VISIT, "house-tab-001").room().waiting().stream()
                .map(Rooms.Waiting::member).toList(), "nobody waits");
        assertEquals("dr.wilson", rooms.join(WILSON, VISIT, "wilson-tab-01").room().moderator());
        assertEquals(400, status(() -> rooms.remove(WILSON, VISIT, "dr.house")), "the visit's doctor stays");
        assertEquals(400, status(() -> rooms.handOver(WILSON, VISIT, "amy")), "only clinicians lead");
        // the visit's doctor takes it back at any time
        assertEquals("dr.house", rooms.handOver(HOUSE, VISIT, "dr.house").moderator());
        assertEquals(403, status(() -> rooms.mute(WILSON, VISIT, "amy")));
        rooms.mute(HOUSE, VISIT, "amy");
        assertEquals(404, status(() -> rooms.handOver(RORY, VISIT, "dr.house")));
        rooms.gone(VISIT, "wilson-tab-01");
        assertEquals(404, status(() -> rooms.handOver(HOUSE, VISIT, "dr.wilson")), "not to someone who left");
    }

    // ---- recording

    /** Both in the room, the visit to be recorded, started. */
    private void inTheRoom() {
        recorded = true;
        rooms.join(HOUSE, VISIT, "house-tab-001");
        rooms.join(AMY, VISIT, "amy-tab-0001");
        rooms.admit(HOUSE, VISIT, "amy");
        rooms.join(AMY, VISIT, "amy-tab-0001");
    }

    static final Rooms.CameraSource SCOPE = new Rooms.CameraSource("olympus-1", "Endoscopy suite 1",
            "rtsp://127.0.0.1:8554/scope", 1280, 720, 30);
    static final Rooms.CameraSource SECOND = new Rooms.CameraSource("storz-1", "Suite 2", "/dev/video0", 640, 480,
            25);
    static final Rooms.CameraSource THIRD = new Rooms.CameraSource("fuji-1", "Suite 3", "/dev/video1", 640, 480, 25);

    @Test
    void aLivePictureIsShownByWhoLeadsSeenByTheCliniciansOnlyAndComesBackAfterTheEngineDied() throws Exception {
        List<String> asked = new ArrayList<>();
        rooms.cameraSources = (caller, patientId) -> {
            asked.add(caller.username() + " " + patientId);
            return List.of(SCOPE, SECOND, THIRD, new Rooms.CameraSource("bad", "Bad", "file:///etc/passwd", 640, 480,
                    25));
        };
        inTheRoom();
        rooms.join(WILSON, VISIT, "wilson-tab-01");
        assertEquals(403, status(() -> rooms.showCamera(AMY, VISIT, "olympus-1")), "the patient does not show one");
        assertEquals(403, status(() -> rooms.showCamera(WILSON, VISIT, "olympus-1")),
                "nor a colleague who does not lead");
        assertEquals(404, status(() -> rooms.showCamera(RORY, VISIT, "olympus-1")), "an outsider learns nothing");
        assertEquals(422, status(() -> rooms.showCamera(HOUSE, VISIT, "elsewhere")), "only the visit's own sources");
        engine.running = false;
        assertEquals(503, status(() -> rooms.showCamera(HOUSE, VISIT, "olympus-1")));
        engine.running = true;
        assertEquals(400, status(() -> rooms.showCamera(HOUSE, VISIT, "bad")), "only rtsp:// or /dev/videoN");
        assertTrue(rooms.cameraSources(HOUSE, VISIT).stream().allMatch(c -> c.shown() == null), "nothing half-shown");
        assertEquals("dr.house pat-1", asked.get(0), "the sources are asked for the visit's patient, as the caller");

        Rooms.Roster shown = rooms.showCamera(HOUSE, VISIT, "olympus-1");
        assertEquals(1, shown.cameras().size());
        Rooms.Camera cam = shown.cameras().get(0);
        assertEquals(List.of("olympus-1", "Endoscopy suite 1", "connecting"), List.of(cam.source(), cam.name(),
                cam.signal()));
        assertFalse(JSON.writeValueAsString(shown).contains("rtsp:"), "the source's address is not in the roster");
        assertEquals(cam.peerId(), rooms.showCamera(HOUSE, VISIT, "olympus-1").cameras().get(0).peerId(), "once");
        assertEquals(1, engine.sessions.size());
        FakeEngine.Run run = engine.sessions.get(0);
        assertEquals("camera rtsp://127.0.0.1:8554/scope 1280x720@30", run.calls.get(0));

        // the colleague's offer reaches the engine and its answer reaches him; the patient's is refused
        assertEquals(403, status(() -> rooms.signal(AMY, VISIT, "amy-tab-0001", cam.peerId(),
                Map.of("type", "offer", "sdp", "v=0 amy"), null)));
        assertEquals(404, status(() -> rooms.signal(RORY, VISIT, "x", cam.peerId(), Map.of("type", "offer"), null)));
        rooms.signal(WILSON, VISIT, "wilson-tab-01", cam.peerId(), Map.of("type", "offer", "sdp", "v=0 wilson"), null);
        assertEquals("offer wilson-tab-01 v=0 wilson", run.calls.get(1));
        published.clear();
        run.listener.answer("wilson-tab-01", "v=0 answer");
        assertEquals(List.of(Rooms.peerTopic("wilson-tab-01") + " video.signal"), published);

        run.listener.signal(true);
        assertEquals("live", rooms.cameraSources(WILSON, VISIT).get(0).shown().signal());
        run.listener.signal(false);
        Rooms.CameraState state = rooms.cameraSources(HOUSE, VISIT).get(0);
        assertEquals(List.of("olympus-1", "lost", cam.peerId()), List.of(state.id(), state.shown().signal(),
                state.shown().peerId()));
        assertEquals(403, status(() -> rooms.cameraSources(AMY, VISIT)));
        assertEquals(404, status(() -> rooms.cameraSources(RORY, VISIT)));

        // he leaves: his connection to the picture is hung up
        rooms.leave(WILSON, VISIT, "wilson-tab-01");
        assertTrue(run.calls.contains("hangup wilson-tab-01"), run.calls.toString());

        assertEquals(2, rooms.showCamera(HOUSE, VISIT, "storz-1").cameras().size());
        ConflictException full = assertThrows(ConflictException.class, () -> rooms.showCamera(HOUSE, VISIT,
                "fuji-1"));
        assertEquals("Too many pictures", full.title());
        rooms.hideCamera(HOUSE, VISIT, "storz-1");

        // the engine dies: the picture is shown again under a new peer, the browsers offer to that one
        run.listener.ended(true);
        List<Rooms.Camera> again = rooms.showCamera(HOUSE, VISIT, "olympus-1").cameras();
        assertEquals(1, again.size());
        assertNotEquals(cam.peerId(), again.get(0).peerId());
        assertEquals("connecting", again.get(0).signal());

        assertEquals(403, status(() -> rooms.hideCamera(AMY, VISIT, "olympus-1")));
        assertEquals(List.of(), rooms.hideCamera(HOUSE, VISIT, "olympus-1").cameras());
        FakeEngine.Run last = engine.sessions.get(engine.sessions.size() - 1);
        assertEquals("stop", last.calls().get(last.calls().size() - 1));
        rooms.showCamera(HOUSE, VISIT, "olympus-1");
        rooms.end(HOUSE, VISIT);
        assertEquals(0, (int) rooms.db().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM video_camera")
                .mapTo(Integer.class).one()), "the visit's end stops it");
    }

    @Test
    void recordingNeedsEveryonesConsentTheRecorderGetsTheBrowsersSignalsAndAWithdrawnConsentStopsIt()
            throws Exception {
        inTheRoom();
        ConflictException missing = assertThrows(ConflictException.class, () -> rooms.record(HOUSE, VISIT, true));
        assertEquals("Consent missing", missing.title());
        assertEquals(List.of("amy", "dr.house"), missing.details().get("missing"));
        assertEquals(403, status(() -> rooms.record(AMY, VISIT, true)), "starting is the doctor's");
        assertEquals(404, status(() -> rooms.consent(RORY, VISIT, true)));
        rooms.consent(HOUSE, VISIT, true);
        assertEquals(List.of("amy"), assertThrows(ConflictException.class, () -> rooms.record(HOUSE, VISIT, true))
                .details().get("missing"), "only who has not consented is named");
        Rooms.Roster consented = rooms.consent(AMY, VISIT, true);
        assertEquals(List.of("amy"), consents, "the patient's consent is the encounter's too");
        assertTrue(consented.peers().stream().allMatch(Rooms.Peer::consent));
        assertEquals(0, engine.sessions.size(), "nothing records before the doctor starts it");

        engine.running = false;
        assertEquals(503, status(() -> rooms.record(HOUSE, VISIT, true)), "no engine: 503, nothing half-started");
        assertEquals(List.of(), rooms.recordings(HOUSE, VISIT));
        engine.running = true;
        Rooms.Roster on = rooms.record(HOUSE, VISIT, true);
        assertEquals(1, on.recorder().part());
        String recorder = on.recorder().peerId();
        assertEquals(1, engine.sessions.size());
        assertEquals(on.recorder().peerId(), rooms.record(HOUSE, VISIT, true).recorder().peerId(), "once");
        assertEquals(1, engine.sessions.size());

        // her offer to the recorder reaches the engine; its answer reaches her peer
        rooms.signal(AMY, VISIT, "amy-tab-0001", recorder, Map.of("type", "offer", "sdp", "v=0 amy"), null);
        rooms.signal(AMY, VISIT, "amy-tab-0001", recorder, null, Map.of("candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host",
                "sdpMid", "0", "sdpMLineIndex", 0));
        FakeEngine.Run run = engine.sessions.get(0);
        assertEquals(List.of("offer amy-tab-0001 v=0 amy", "candidate amy-tab-0001 0"), run.calls);
        published.clear();
        run.listener.answer("amy-tab-0001", "v=0 answer");
        assertEquals(List.of(Rooms.peerTopic("amy-tab-0001") + " video.signal"), published);
        assertEquals(404, status(() -> rooms.signal(RORY, VISIT, "x", recorder, Map.of("type", "offer"), null)),
                "an outsider reaches no recorder");
        byte[] a = "webm-1".getBytes(UTF_8);
        byte[] b = "webm-2".getBytes(UTF_8);
        run.listener.data(a);
        run.listener.data(b);

        // she withdraws: it stops for everyone, the part is whole, and the roster says why
        Rooms.Roster off = rooms.consent(AMY, VISIT, false);
        assertEquals("stop", run.calls.get(run.calls.size() - 1));
        assertNull(off.recorder());
        assertEquals("withdrawn:amy", off.recordingNote());
        List<Rooms.Recording> parts = rooms.recordings(HOUSE, VISIT);
        assertEquals(1, parts.size());
        assertEquals(List.of("stopped", "withdrawn:amy", 12L), List.of(parts.get(0).state(), parts.get(0).endReason(),
                parts.get(0).sizeBytes()));
        try (InputStream in = rooms.openRecording(HOUSE, VISIT, parts.get(0).id())) {
            assertEquals("webm-1webm-2", new String(in.readAllBytes(), UTF_8));
        }
        assertEquals(1, rooms.recordings(ADMIN, VISIT).size(), "an administrator reads them too");
        assertEquals(403, status(() -> rooms.recordings(AMY, VISIT)), "the patient does not");
        assertEquals(403, status(() -> rooms.openRecording(AMY, VISIT, parts.get(0).id())));
        assertEquals(404, status(() -> rooms.recordings(RORY, VISIT)));
        assertEquals(404, status(() -> rooms.openRecording(HOUSE, VISIT, "no-such-part")));
        assertEquals(409, status(() -> rooms.record(HOUSE, VISIT, true)), "not without her consent again");
    }

    @Test
    void anEngineCrashEndsThePartAndANewOneBeginsWhenItIsBackAndSomeoneEnteringWithoutConsentStopsIt()
            throws Exception {
        inTheRoom();
        rooms.consent(HOUSE, VISIT, true);
        rooms.consent(AMY, VISIT, true);
        rooms.record(HOUSE, VISIT, true);
        engine.sessions.get(0).listener.data("part-one".getBytes(UTF_8));
        engine.running = false;
        engine.sessions.get(0).listener.ended(true); // the engine process died
        Rooms.Recording first = rooms.recordings(HOUSE, VISIT).get(0);
        assertEquals(List.of("interrupted", "engine", 8L), List.of(first.state(), first.endReason(), first.sizeBytes()));
        engine.running = true; // it is back: a new part, the same consent
        long until = System.nanoTime() + 10_000_000_000L;
        while (engine.sessions.size() < 2 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals(2, engine.sessions.size(), "recording resumed in a new part");
        Rooms.Roster two = rooms.consent(HOUSE, VISIT, true);
        assertEquals(2, two.recorder().part());

        // a colleague enters without having consented: it stops, and says who
        Rooms.Roster after = rooms.join(WILSON, VISIT, "wilson-tab-01").room();
        assertNull(after.recorder());
        assertEquals("unconsented:dr.wilson", after.recordingNote());
        assertEquals(List.of("interrupted", "stopped"), rooms.recordings(HOUSE, VISIT).stream()
                .map(Rooms.Recording::state).toList());
    }

    @Test
    void aPartLeftRecordingByAHubThatDiedIsRecoveredWithWhatWasSynced() throws Exception {
        inTheRoom();
        rooms.consent(HOUSE, VISIT, true);
        rooms.consent(AMY, VISIT, true);
        rooms.record(HOUSE, VISIT, true);
        engine.sessions.get(0).listener.data("synced".getBytes(UTF_8));
        // this node "dies": its part stays `recording` and is no longer synced; another node's sweep finds it
        RoomsImpl other = new RoomsImpl(rooms.db(), null, null, fanout, topics, files, config, pool, java.time.Clock.fixed(
                now.plusSeconds(Recordings.STALE_SECONDS + 1), ZoneOffset.UTC));
        other.sweep();
        Rooms.Recording part = rooms.recordings(HOUSE, VISIT).get(0);
        assertEquals(List.of("interrupted", "hub", 6L), List.of(part.state(), part.endReason(), part.sizeBytes()));
        try (InputStream in = rooms.openRecording(HOUSE, VISIT, part.id())) {
            assertEquals("synced", new String(in.readAllBytes(), UTF_8));
        }
    }

    /** The file store, in memory: appended files are readable once finished or recovered. */
    static final class MemoryFiles implements org.telehub.files.FileStore {
        final Map<String, java.io.ByteArrayOutputStream> open = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, byte[]> whole = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public org.telehub.files.StoredFile put(InputStream content, String contentType, String category) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<org.telehub.files.StoredFile> find(String id) {
            return java.util.Optional.ofNullable(whole.get(id)).map(b -> stored(id, b));
        }

        @Override
        public InputStream open(String id) throws java.io.IOException {
            byte[] b = whole.get(id);
            if (b == null) {
                throw new java.nio.file.NoSuchFileException(id);
            }
            return new java.io.ByteArrayInputStream(b);
        }

        @Override
        public org.telehub.files.Appending append(String contentType, String category) {
            String id = java.util.UUID.randomUUID().toString();
            java.io.ByteArrayOutputStream synced = new java.io.ByteArrayOutputStream();
            open.put(id, synced);
            return new org.telehub.files.Appending() {
                final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

                @Override
                public String id() {
                    return id;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    pending.write(b, off, len);
                }

                @Override
                public long sync() {
                    synced.writeBytes(pending.toByteArray());
                    pending.reset();
                    return synced.size();
                }

                @Override
                public org.telehub.files.StoredFile finish() {
                    sync();
                    return recover(id);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public org.telehub.files.StoredFile recover(String id) {
            java.io.ByteArrayOutputStream b = open.remove(id);
            if (b != null) {
                whole.put(id, b.toByteArray());
            }
            return stored(id, whole.get(id));
        }

        @Override
        public boolean delete(String id) {
            return whole.remove(id) != null | open.remove(id) != null;
        }

        private static org.telehub.files.StoredFile stored(String id, byte[] b) {
            return new org.telehub.files.StoredFile(id, "audio/webm", "recording", b.length, "-", Instant.EPOCH);
        }
    }

    /** The media engine as the rooms see it: sessions whose calls are kept, driven by the test. */
    static final class FakeEngine implements org.telehub.media.MediaEngine {
        volatile boolean running = true;
        final List<Run> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();

        record Run(String id, Options options, Listener listener, List<String> calls) implements Session {
            @Override
            public void offer(String peer, String sdp) {
                calls.add("offer " + peer + " " + sdp);
            }

            @Override
            public void candidate(String peer, String sdpMid, int sdpMLineIndex, String candidate) {
                calls.add("candidate " + peer + " " + sdpMid);
            }

            @Override
            public void hangup(String peer) {
                calls.add("hangup " + peer);
            }

            @Override
            public void stop() {
                calls.add("stop");
                listener.ended(false); // the engine flushed its last bytes
            }
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public Session record(String sessionId, Options options, Listener listener) {
            Run r = new Run(sessionId, options, listener, new java.util.concurrent.CopyOnWriteArrayList<>());
            sessions.add(r);
            return r;
        }

        @Override
        public Session camera(String sessionId, Options options, Source source, Listener listener) {
            if (!running) {
                throw new org.telehub.domain.UnavailableException("No media engine");
            }
            Run r = new Run(sessionId, options, listener, new java.util.concurrent.CopyOnWriteArrayList<>());
            r.calls.add("camera " + source.url() + " " + source.width() + "x" + source.height() + "@" + source.fps());
            sessions.add(r);
            return r;
        }
    }
}
