package org.telehub.video.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.core.encounter.EncounterService;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.files.FileStore;
import org.telehub.media.MediaEngine;
import org.telehub.realtime.Fanout;
import org.telehub.realtime.TopicFollower;
import org.telehub.work.TelehubExecutors;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.video.CameraSources;
import org.telehub.video.Rooms;
import org.telehub.video.internal.MemberStore.Member;

/**
 * The rooms, kept in {@code video_member} so that every hub node sees the same room: who waits, who was admitted, each
 * member's current peer. What a peer must hear goes through the realtime channel's topics ({@link Fanout}), published
 * after the change commits; a peer that missed an event gets the roster again with the next change or its next join.
 */
@Component(service = { Rooms.class, RoomsImpl.class }, configurationPid = "org.telehub.video")
@Designate(ocd = VideoConfig.class)
public class RoomsImpl implements Rooms {
    static final Set<String> ENDED = Set.of(EncounterService.COMPLETED, EncounterService.CANCELLED,
            EncounterService.NO_SHOW);
    private static final Set<String> ROOM_TYPES = Set.of("video", "audio");
    /** Who enters without waiting: the doctor, and clinicians invited as colleagues. */
    private static final Set<String> ENTER_AT_ONCE = Set.of(MODERATOR, "colleague");
    /** Who sees a live picture shown in the room: the same clinicians. */
    private static final Set<String> CLINICIANS = ENTER_AT_ONCE;
    private static final String RECORDINGS_READERS = "Only the visit's doctor and administrators hear its recordings";

    private final VideoSchema db;
    private final EncounterService encounters;
    private final AuditLog audit;
    private final Fanout fanout;
    private final Clock clock;
    private final FileStore files;
    private final Recordings recorder;
    private final Cameras cameras;
    /** The recordings' sweep and resumptions (this bundle's pool: it ends when the bundle stops). */
    private final java.util.concurrent.ScheduledExecutorService pool;
    private java.util.concurrent.ScheduledFuture<?> sweeping;
    private volatile VideoConfig config;
    /** The server's media peer: optional, and may come and go (recording answers 503 without it). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile MediaEngine engine;
    /** Where live pictures come from (EndoscopeSources, while the integration feature runs): none, no pictures. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CameraSources cameraSources;

    @Activate
    public RoomsImpl(@Reference VideoSchema db, @Reference EncounterService encounters, @Reference AuditLog audit,
            @Reference Fanout fanout, @Reference TopicFollower topics, @Reference FileStore files,
            @Reference TelehubExecutors executors, VideoConfig config) {
        this(db, encounters, audit, fanout, topics, files, config, executors.pool("video-recordings", 1),
                Clock.systemUTC());
        sweeping = pool.scheduleWithFixedDelay(this::sweep, 0, 20, java.util.concurrent.TimeUnit.SECONDS);
    }

    RoomsImpl(VideoSchema db, EncounterService encounters, AuditLog audit, Fanout fanout, TopicFollower topics,
            FileStore files, VideoConfig config, java.util.concurrent.ScheduledExecutorService pool, Clock clock) {
        this.db = db;
        this.encounters = encounters;
        this.audit = audit;
        this.fanout = fanout;
        this.clock = clock;
        this.config = config;
        this.files = files;
        this.pool = pool;
        this.recorder = new Recordings(db, files, fanout, topics, () -> engine, () -> this.config, pool, clock,
                new Recordings.Room() {
            @Override
            public String whyNot(String encounterId) {
                return recordingRefused(encounterId);
            }

            @Override
            public void changed(String encounterId) {
                publish(encounterId, null);
            }
        });
        this.cameras = new Cameras(db, fanout, topics, () -> engine, () -> this.config, pool, clock,
                new Cameras.Room() {
            @Override
            public boolean anyoneIn(String encounterId) {
                return db.jdbi().withHandle(h -> MemberStore.present(h, encounterId, "", freshAfter())) > 0;
            }

            @Override
            public void changed(String encounterId) {
                publish(encounterId, null);
            }
        });
    }

    @Modified
    void modified(VideoConfig c) {
        this.config = c;
    }

    VideoSchema db() {
        return db;
    }

    @Deactivate
    void deactivate() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        recorder.close();
        cameras.close();
    }

    /** Keeps this node's recordings fresh and closes those a dead node left (every 20 s; tests call it). */
    void sweep() {
        try {
            recorder.sweep();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RoomsImpl.class).warn("Recording sweep failed: {}", e.toString());
        }
        try {
            cameras.sweep();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RoomsImpl.class).warn("Live picture sweep failed: {}", e.toString());
        }
    }

    @Override
    public Joined join(AuthenticatedUser caller, String encounterId, String peerId) {
        if (peerId == null || !peerId.matches("[A-Za-z0-9_-]{8,40}")) {
            throw new InvalidException("peerId", "8 to 40 of A-Z, a-z, 0-9, _ and -");
        }
        EncounterService.Seat seat = open(caller, encounterId);
        VideoConfig c = config;
        if (c.relayOnly() && !IceServers.turn(c)) {
            throw new UnavailableException("No TURN server", "Relayed media only is set, but no TURN server is"
                    + " configured (turnUrls, turnSecret in org.telehub.video)", null, Map.of());
        }
        Instant now = clock.instant();
        boolean audioOnly = "audio".equals(seat.type());
        String[] replaced = new String[1];
        Member m = db.jdbi().inTransaction(h -> {
            // one member's joins one after the other, the first too (FOR UPDATE locks no row that does not exist yet)
            MemberStore.serialise(h, encounterId, seat.member());
            Optional<Member> before = MemberStore.lock(h, encounterId, seat.member());
            String state;
            String note = null;
            Instant since = now;
            boolean audio = true;
            boolean video = !audioOnly;
            boolean turnedAway = before.map(b -> "rejected".equals(b.state()) || "removed".equals(b.state()))
                    .orElse(false);
            if ((ENTER_AT_ONCE.contains(seat.role()) && !turnedAway)
                    || before.map(b -> ADMITTED.equals(b.state())).orElse(false)) {
                state = ADMITTED;
                since = null;
                full(h, encounterId, seat.member());
            } else {
                state = WAITING;
                if (before.isPresent() && WAITING.equals(before.get().state())) {
                    note = before.get().note(); // still waiting since then
                    since = before.get().waitingSince() != null ? before.get().waitingSince() : now;
                } else if (before.isPresent()) {
                    note = before.get().state(); // rejected or removed before: the moderator is told
                }
            }
            if (before.isPresent() && peerId.equals(before.get().peerId())) { // the same tab again: keeps its state
                audio = before.get().audio();
                video = before.get().video();
            } else if (before.isPresent() && before.get().peerId() != null) {
                replaced[0] = before.get().peerId();
            }
            Member next = new Member(encounterId, seat.member(), seat.role(), seat.displayName(), state, note, null,
                    peerId, now, audio, video, false, since, before.map(Member::consent).orElse(false));
            MemberStore.upsert(h, next, now, seat.member());
            audit.record(h, caller, "video.join", seat.patientId(), List.of(), "ok · " + state);
            return next;
        });
        if (replaced[0] != null) {
            fanout.publish(Rooms.peerTopic(replaced[0]), REPLACED_EVENT, Map.of("encounterId", encounterId,
                    "peerId", replaced[0]));
        }
        boolean in = ADMITTED.equals(m.state());
        if (in && !m.consent()) {
            recorder.stop(encounterId, "unconsented:" + m.name());
        }
        Roster roster = publish(encounterId, seat.status());
        // relay credentials only for who is in: a waiting, turned-away or removed person gets no TURN bandwidth
        return new Joined(encounterId, peerId, seat.member(), m.state(), seat.role(), audioOnly,
                in ? IceServers.of(c, peerId, now) : List.of(), c.relayOnly() ? "relay" : "all", c.heartbeatSeconds(),
                in ? (seat.member().equals(roster.moderator()) ? roster : roster.withoutWaiting()) : null,
                seat.recordingEnabled(), m.consent());
    }

    @Override
    public String ping(AuthenticatedUser caller, String encounterId, String peerId) {
        Optional<String> state = peerId == null ? Optional.empty() : db.jdbi().withHandle(h -> MemberStore.seen(h,
                encounterId, caller.username(), peerId, clock.instant()));
        return state.orElseThrow(() -> notInRoom(caller, encounterId));
    }

    @Override
    public void leave(AuthenticatedUser caller, String encounterId, String peerId) {
        Optional<Member> m = db.jdbi().withHandle(h -> MemberStore.of(h, encounterId, caller.username()));
        if (m.isPresent() && peerId != null && peerId.equals(m.get().peerId())) {
            gone(encounterId, peerId);
            audit.record(caller, "video.leave", encounters.seat(caller, encounterId).patientId(), List.of(), "ok");
        } else if (m.isEmpty()) {
            encounters.seat(caller, encounterId); // not the visit's: "No encounter", as for every other call
        }
    }

    @Override
    public void gone(String encounterId, String peerId) {
        if (db.jdbi().withHandle(h -> MemberStore.out(h, encounterId, peerId, clock.instant()))) {
            publish(encounterId, null);
        }
    }

    @Override
    public void signal(AuthenticatedUser caller, String encounterId, String peerId, String to,
            Map<String, Object> description, Map<String, Object> candidate) {
        if ((description == null) == (candidate == null)) {
            throw new InvalidException("description", "Either a description or a candidate");
        }
        Instant fresh = freshAfter();
        Member[] both = db.jdbi().withHandle(h -> new Member[] {
            MemberStore.of(h, encounterId, caller.username()).orElse(null),
            to == null ? null : MemberStore.byPeer(h, encounterId, to).orElse(null) });
        Member from = own(inRoom(caller, encounterId, both[0], fresh), peerId);
        Member target = both[1];
        String dest;
        if (target == null && recorder.isRecorder(encounterId, to)) {
            dest = to; // the hub's recording peer: the node that records follows its topic
        } else if (target == null && cameras.isCamera(encounterId, to)) {
            if (!CLINICIANS.contains(from.role())) {
                audit.record(caller, "video.camera.view", null, List.of(), "denied");
                throw new ForbiddenException("The live picture is for the visit's clinicians");
            }
            dest = to; // a live picture: the node that shows it follows its topic
        } else if (target == null || !ADMITTED.equals(target.state()) || !target.present(fresh)
                || target.member().equals(from.member())) {
            throw new NotFoundException("No peer", "No peer " + to + " in this room", "to", Map.of());
        } else {
            dest = target.peerId();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encounterId", encounterId);
        out.put("from", from.peerId());
        out.put("member", from.member());
        if (description != null) {
            out.put("description", description);
        } else {
            out.put("candidate", candidate);
        }
        fanout.publish(Rooms.peerTopic(dest), SIGNAL_EVENT, out);
    }

    @Override
    public Roster media(AuthenticatedUser caller, String encounterId, String peerId, boolean audio, boolean video,
            boolean screen) {
        Instant now = clock.instant();
        db.jdbi().useTransaction(h -> {
            own(inRoom(caller, encounterId, MemberStore.lock(h, encounterId, caller.username()).orElse(null),
                    freshAfter()), peerId);
            MemberStore.media(h, encounterId, caller.username(), audio, video, screen, now);
        });
        return publish(encounterId, null).withoutWaiting();
    }

    @Override
    public void quality(AuthenticatedUser caller, String encounterId, String peerId, Sample q) {
        if (q == null) {
            throw new InvalidException("rttMs", "Required: rttMs, lossPercent, kbpsIn, relayed");
        }
        if (q.rttMs() < 0 || q.rttMs() > 60_000) {
            throw new InvalidException("rttMs", "0 to 60000 milliseconds");
        }
        if (!(q.lossPercent() >= 0 && q.lossPercent() <= 100)) {
            throw new InvalidException("lossPercent", "0 to 100");
        }
        if (q.kbpsIn() < 0 || q.kbpsIn() > 1_000_000) {
            throw new InvalidException("kbpsIn", "0 to 1000000 kbit/s");
        }
        Instant now = clock.instant();
        db.jdbi().useTransaction(h -> {
            own(inRoom(caller, encounterId, MemberStore.of(h, encounterId, caller.username()).orElse(null),
                    freshAfter()), peerId);
            MemberStore.quality(h, encounterId, caller.username(), q, now);
        });
    }

    @Override
    public List<Quality> quality(AuthenticatedUser caller, String encounterId) {
        String patient = doctorOrAdministrator(caller, encounterId, "video.quality.read",
                "Only the visit's doctor and administrators read its call quality");
        List<Quality> out = db.jdbi().withHandle(h -> MemberStore.quality(h, encounterId));
        audit.record(caller, "video.quality.read", patient, List.of(), "ok");
        return out;
    }

    @Override
    public Roster admit(AuthenticatedUser caller, String encounterId, String member) {
        EncounterService.Seat seat = moderator(caller, encounterId);
        Member m = db.jdbi().inTransaction(h -> {
            Member w = MemberStore.lock(h, encounterId, required(member)).filter(x -> WAITING.equals(x.state()))
                    .orElseThrow(() -> new NotFoundException("Not waiting", member + " is not waiting to enter",
                            "member", Map.of()));
            if (w.present(freshAfter())) {
                full(h, encounterId, member);
            }
            MemberStore.state(h, encounterId, member, ADMITTED, null, true, caller.username(), clock.instant());
            audit.record(h, caller, "video.admit", seat.patientId(), List.of(), "ok · " + member);
            return w;
        });
        String status = seat.status();
        if (EncounterService.SCHEDULED.equals(status) || EncounterService.CONFIRMED.equals(status)) {
            status = start(caller, encounterId);
        }
        if (m.peerId() != null) {
            fanout.publish(Rooms.peerTopic(m.peerId()), ADMITTED_EVENT, Map.of("encounterId", encounterId));
        }
        if (!m.consent()) {
            recorder.stop(encounterId, "unconsented:" + m.name());
        }
        return publish(encounterId, status);
    }

    /** The first admission starts the visit; one started meanwhile (another node, the app) is fine. */
    private String start(AuthenticatedUser caller, String encounterId) {
        try {
            return encounters.transition(caller, encounterId, EncounterService.Action.START, null).status();
        } catch (ConflictException e) {
            return encounters.seat(caller, encounterId).status();
        }
    }

    @Override
    public Roster reject(AuthenticatedUser caller, String encounterId, String member, String reason) {
        if (reason != null && reason.length() > 500) {
            throw new InvalidException("reason", "At most 500 characters");
        }
        EncounterService.Seat seat = moderator(caller, encounterId);
        Member m = db.jdbi().inTransaction(h -> {
            Member w = MemberStore.lock(h, encounterId, required(member)).filter(x -> WAITING.equals(x.state()))
                    .orElseThrow(() -> new NotFoundException("Not waiting", member + " is not waiting to enter",
                            "member", Map.of()));
            MemberStore.state(h, encounterId, member, "rejected", blankToNull(reason), false, caller.username(),
                    clock.instant());
            audit.record(h, caller, "video.reject", seat.patientId(), List.of(), "ok · " + member);
            return w;
        });
        if (m.peerId() != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("encounterId", encounterId);
            d.put("reason", blankToNull(reason));
            fanout.publish(Rooms.peerTopic(m.peerId()), REJECTED_EVENT, d);
        }
        return publish(encounterId, seat.status());
    }

    @Override
    public Roster remove(AuthenticatedUser caller, String encounterId, String member) {
        EncounterService.Seat seat = moderator(caller, encounterId);
        if (seat.member().equals(member)) {
            throw new InvalidException("member", "The moderator leaves or ends the visit instead");
        }
        Member m = db.jdbi().inTransaction(h -> {
            Member a = MemberStore.lock(h, encounterId, required(member)).filter(x -> ADMITTED.equals(x.state()))
                    .orElseThrow(() -> new NotFoundException("Not in the room", member + " is not in the room",
                            "member", Map.of()));
            if (MODERATOR.equals(a.role())) { // a colleague who leads does not send the visit's doctor out
                throw new InvalidException("member", "The visit's doctor is not removed from the visit's room");
            }
            MemberStore.state(h, encounterId, member, "removed", null, false, caller.username(), clock.instant());
            audit.record(h, caller, "video.remove", seat.patientId(), List.of(), "ok · " + member);
            return a;
        });
        if (m.peerId() != null) {
            fanout.publish(Rooms.peerTopic(m.peerId()), REMOVED_EVENT, Map.of("encounterId", encounterId));
        }
        return publish(encounterId, seat.status());
    }

    @Override
    public Roster mute(AuthenticatedUser caller, String encounterId, String member) {
        EncounterService.Seat seat = moderator(caller, encounterId);
        Member m = db.jdbi().inTransaction(h -> {
            Member a = MemberStore.lock(h, encounterId, required(member))
                    .filter(x -> ADMITTED.equals(x.state()) && x.present(freshAfter()))
                    .orElseThrow(() -> new NotFoundException("Not in the room", member + " is not in the room",
                            "member", Map.of()));
            MemberStore.audio(h, encounterId, member, false, clock.instant());
            audit.record(h, caller, "video.mute", seat.patientId(), List.of(), "ok · " + member);
            return a;
        });
        fanout.publish(Rooms.peerTopic(m.peerId()), MUTED_EVENT, Map.of("encounterId", encounterId, "by",
                seat.displayName()));
        return publish(encounterId, seat.status());
    }

    @Override
    public Roster end(AuthenticatedUser caller, String encounterId) {
        EncounterService.Seat seat = moderator(caller, encounterId);
        String status = seat.status();
        if (!ENDED.contains(status)) {
            status = encounters.transition(caller, encounterId, EncounterService.Action.END, null).status();
        }
        close(encounterId, status);
        String now = status;
        return db.jdbi().withHandle(h -> MemberStore.roster(h, encounterId, now, freshAfter()));
    }

    /**
     * The visit ended (here, in the app, or by the lifecycle): every peer, waiting or in, is told and leaves. Safe to
     * call again.
     */
    void close(String encounterId, String status) {
        recorder.stop(encounterId, "ended");
        cameras.stopAll(encounterId);
        List<String> peers = new ArrayList<>();
        db.jdbi().useTransaction(h -> {
            for (Member m : MemberStore.lockAll(h, encounterId)) {
                if (m.peerId() != null) {
                    peers.add(m.peerId());
                }
            }
            MemberStore.empty(h, encounterId, clock.instant());
        });
        Map<String, Object> ended = Map.of("encounterId", encounterId, "status", status);
        for (String p : peers) {
            fanout.publish(Rooms.peerTopic(p), ENDED_EVENT, ended);
        }
        fanout.publish(Rooms.roomTopic(encounterId), ENDED_EVENT, ended);
    }

    @Override
    public Roster consent(AuthenticatedUser caller, String encounterId, boolean consent) {
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        requireNotEnded(seat);
        if (!seat.recordingEnabled()) {
            throw new ConflictException("Not recorded", "This visit is not to be recorded", null, Map.of());
        }
        Instant now = clock.instant();
        boolean member = db.jdbi().inTransaction(h -> {
            boolean ok = MemberStore.consent(h, encounterId, seat.member(), consent, now);
            if (ok) {
                audit.record(h, caller, "video.recording-consent", seat.patientId(), List.of(), consent ? "given"
                        : "withdrawn");
            }
            return ok;
        });
        if (!member) {
            throw new ConflictException("Not in the room", "Join the room first", null, Map.of());
        }
        if (consent && "patient".equals(seat.role())) {
            try { // the patient's consent is also the encounter's, for the record and the report
                encounters.consentToRecording(caller, encounterId);
            } catch (ConflictException | ForbiddenException alreadyOrNot) {
                // consented before (the encounter keeps the first), or the visit changed meanwhile: the room's stands
            }
        }
        if (!consent) {
            recorder.stop(encounterId, "withdrawn:" + seat.displayName());
        }
        Roster r = publish(encounterId, seat.status());
        return seat.member().equals(r.moderator()) ? r : r.withoutWaiting();
    }

    @Override
    public Roster record(AuthenticatedUser caller, String encounterId, boolean on) {
        EncounterService.Seat seat = moderator(caller, encounterId);
        if (!on) {
            if (recorder.recording(encounterId)) {
                audit.record(caller, "video.recording.stop", seat.patientId(), List.of(), "ok");
                recorder.stop(encounterId, null);
            }
            return publish(encounterId, seat.status());
        }
        if (!seat.recordingEnabled()) {
            throw new ConflictException("Not recorded", "This visit is not to be recorded (set when it was booked)",
                    null, Map.of());
        }
        List<String> missing = db.jdbi().withHandle(h -> MemberStore.withoutConsent(h, encounterId, freshAfter()));
        if (!missing.isEmpty()) {
            audit.record(caller, "video.recording.start", seat.patientId(), List.of(), "refused · consent missing");
            throw new ConflictException("Consent missing", "Recording needs everyone's consent; not yet: "
                    + String.join(", ", missing), null, Map.of("missing", missing));
        }
        if (recorder.start(encounterId, caller.username())) {
            audit.record(caller, "video.recording.start", seat.patientId(), List.of(), "ok");
        }
        return publish(encounterId, seat.status());
    }

    /** Why the room may not be recorded now (null: it may): nobody in it, or someone who has not consented. */
    private String recordingRefused(String encounterId) {
        return db.jdbi().withHandle(h -> {
            Roster r = MemberStore.roster(h, encounterId, null, freshAfter());
            if (r.peers().isEmpty()) {
                return "nobody is in the room";
            }
            List<String> missing = MemberStore.withoutConsent(h, encounterId, freshAfter());
            return missing.isEmpty() ? null : "no consent from " + String.join(", ", missing);
        });
    }

    @Override
    public List<CameraState> cameraSources(AuthenticatedUser caller, String encounterId) {
        EncounterService.Seat seat = clinician(caller, encounterId);
        List<Camera> shown = db.jdbi().withHandle(h -> MemberStore.cameras(h, encounterId));
        List<CameraState> out = new ArrayList<>();
        for (CameraSource s : sources(caller, seat)) {
            out.add(new CameraState(s.id(), s.name(), shown.stream().filter(c -> c.source().equals(s.id()))
                    .findFirst().orElse(null)));
        }
        audit.record(caller, "video.camera.read", seat.patientId(), List.of(), "ok");
        return out;
    }

    @Override
    public Roster showCamera(AuthenticatedUser caller, String encounterId, String sourceId) {
        required(sourceId, "sourceId");
        EncounterService.Seat seat = moderator(caller, encounterId);
        open(caller, encounterId);
        CameraSource source = sources(caller, seat).stream().filter(s -> s.id().equals(sourceId)).findFirst()
                .orElseThrow(() -> new org.telehub.domain.UnprocessableException("sourceId", "No live picture '"
                        + sourceId + "' for this visit"));
        if (cameras.start(encounterId, source, caller.username())) {
            audit.record(caller, "video.camera.start", seat.patientId(), List.of(sourceId), "ok");
        }
        return publish(encounterId, seat.status());
    }

    @Override
    public Roster hideCamera(AuthenticatedUser caller, String encounterId, String sourceId) {
        required(sourceId, "sourceId");
        EncounterService.Seat seat = moderator(caller, encounterId);
        if (cameras.stop(encounterId, sourceId)) {
            audit.record(caller, "video.camera.stop", seat.patientId(), List.of(sourceId), "ok");
        }
        return publish(encounterId, seat.status());
    }

    /** The caller's seat when they are one of the visit's clinicians (who see its live pictures); else 403. */
    private EncounterService.Seat clinician(AuthenticatedUser caller, String encounterId) {
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        if (!CLINICIANS.contains(seat.role())) {
            audit.record(caller, "video.camera.read", seat.patientId(), List.of(), "denied");
            throw new ForbiddenException("The live pictures of a visit are for its clinicians");
        }
        return seat;
    }

    /** The pictures the visit may show, as the caller reaches its patient; none without a source of them. */
    private List<CameraSource> sources(AuthenticatedUser caller, EncounterService.Seat seat) {
        CameraSources s = cameraSources;
        return s == null ? List.of() : List.copyOf(s.of(caller, seat.patientId()));
    }

    @Override
    public List<Recording> recordings(AuthenticatedUser caller, String encounterId) {
        String patient = doctorOrAdministrator(caller, encounterId, "video.recordings.read", RECORDINGS_READERS);
        List<Recording> out = db.jdbi().withHandle(h -> h.createQuery("SELECT id, part, state, started_by,"
                + " started_at, ended_at, size_bytes, end_reason FROM video_recording WHERE encounter_id = :e"
                + " ORDER BY part").bind("e", encounterId).map((rs, ctx) -> new Recording(rs.getString(1),
                        rs.getInt(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getLong(7),
                        rs.getString(8))).list());
        audit.record(caller, "video.recordings.read", patient, List.of(), "ok");
        return out;
    }

    @Override
    public java.io.InputStream openRecording(AuthenticatedUser caller, String encounterId, String recordingId) {
        String patient = doctorOrAdministrator(caller, encounterId, "video.recording.read", RECORDINGS_READERS);
        Optional<String[]> row = db.jdbi().withHandle(h -> h.createQuery("SELECT file_id, state FROM video_recording"
                + " WHERE encounter_id = :e AND id = :id").bind("e", encounterId).bind("id", recordingId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne());
        if (row.isEmpty()) {
            throw new NotFoundException("No recording", "No recording " + recordingId + " of this visit", null,
                    Map.of());
        }
        if ("recording".equals(row.get()[1])) {
            throw new ConflictException("Still recording", "This part is being recorded: stop recording first", null,
                    Map.of());
        }
        try {
            java.io.InputStream in = files.open(row.get()[0]);
            audit.record(caller, "video.recording.read", patient, List.of(), "ok · " + recordingId);
            return in;
        } catch (java.io.IOException e) {
            throw new UnavailableException("Recording unreadable", "The stored recording could not be read", null,
                    Map.of());
        }
    }

    /**
     * What a visit keeps after the call is for its doctor and administrators (who look into a complaint): the visit's
     * patient id for them; anyone else 403 ({@code refused}, audited as {@code action}) or "No encounter".
     */
    private String doctorOrAdministrator(AuthenticatedUser caller, String encounterId, String action, String refused) {
        if (caller.hasRole(org.telehub.security.Roles.ADMIN)) {
            return encounters.get(caller, encounterId).patientId(); // sees it, or "No encounter"
        }
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        if (!MODERATOR.equals(seat.role())) {
            audit.record(caller, action, seat.patientId(), List.of(), "denied");
            throw new ForbiddenException(refused);
        }
        return seat.patientId();
    }

    /** The caller's seat in a room that is open now: 404/403 from the encounter, 409 for a room not open. */
    private EncounterService.Seat open(AuthenticatedUser caller, String encounterId) {
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        if (seat.roomId() == null || !ROOM_TYPES.contains(seat.type())) {
            throw new ConflictException("No video room", "This visit has no video room: it is " + seat.type()
                    .replace('_', ' '), null, Map.of("encounterType", seat.type()));
        }
        requireNotEnded(seat);
        if (clock.instant().isBefore(seat.joinableFrom())) {
            throw new ConflictException("Too early", "The room opens at " + seat.joinableFrom(), null,
                    Map.of("joinableFrom", seat.joinableFrom().toString()));
        }
        return seat;
    }

    /** 409 "Visit ended" for a visit that is completed, cancelled or missed: its room is closed. */
    private static void requireNotEnded(EncounterService.Seat seat) {
        if (ENDED.contains(seat.status())) {
            throw new ConflictException("Visit ended", "This visit is " + seat.status().replace('_', ' ')
                    + ": its room is closed", null, Map.of("encounterStatus", seat.status()));
        }
    }

    private EncounterService.Seat moderator(AuthenticatedUser caller, String encounterId) {
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        if (!leads(seat)) {
            audit.record(caller, "video.moderate", seat.patientId(), List.of(), "denied");
            throw new ForbiddenException("Only the visit's doctor admits, turns away, mutes and removes people and"
                    + " ends the visit");
        }
        requireNotEnded(seat);
        return seat;
    }

    /** Whether the seat's member leads the room now: the visit's doctor, or whom the lead was handed to. */
    private boolean leads(EncounterService.Seat seat) {
        Optional<String> handed = db.jdbi().withHandle(h -> MemberStore.handedTo(h, seat.encounterId()));
        return handed.map(seat.member()::equals).orElse(MODERATOR.equals(seat.role()));
    }

    @Override
    public Roster handOver(AuthenticatedUser caller, String encounterId, String member) {
        EncounterService.Seat seat = encounters.seat(caller, encounterId);
        requireNotEnded(seat);
        // who leads hands it on; the visit's doctor can always take it back
        if (!leads(seat) && !MODERATOR.equals(seat.role())) {
            audit.record(caller, "video.handover", seat.patientId(), List.of(), "denied");
            throw new ForbiddenException("Only who leads the visit hands the lead over");
        }
        Instant now = clock.instant();
        db.jdbi().useTransaction(h -> {
            Member m = MemberStore.lock(h, encounterId, required(member))
                    .filter(x -> ADMITTED.equals(x.state()) && x.present(freshAfter()))
                    .orElseThrow(() -> new NotFoundException("Not in the room", member + " is not in the room",
                            "member", Map.of()));
            if (!MODERATOR.equals(m.role()) && !"colleague".equals(m.role())) {
                throw new InvalidException("member", "Only the visit's doctor or an invited colleague leads a visit");
            }
            MemberStore.handOver(h, encounterId, MODERATOR.equals(m.role()) ? null : m.member(), caller.username(),
                    now);
            audit.record(h, caller, "video.handover", seat.patientId(), List.of(), "ok · " + member);
        });
        return publish(encounterId, seat.status());
    }

    /** The member's own peer, admitted and present; else 409 saying which (404 for one who is not the visit's). */
    private Member inRoom(AuthenticatedUser caller, String encounterId, Member m, Instant fresh) {
        if (m != null && WAITING.equals(m.state()) && m.present(fresh)) {
            throw new ConflictException("Not admitted", "Waiting for the doctor to let you in", null, Map.of());
        }
        if (m == null || !ADMITTED.equals(m.state()) || !m.present(fresh)) {
            throw notInRoom(caller, encounterId);
        }
        return m;
    }

    /** The member's row when {@code peerId} is its current peer; a replaced tab, or a connection that never joined, 409. */
    private static Member own(Member m, String peerId) {
        if (peerId == null || !peerId.equals(m.peerId())) {
            throw new ConflictException("Not in the room", "This page is not your peer in the room (you joined"
                    + " elsewhere since): join again", null, Map.of());
        }
        return m;
    }

    /** 409 when the room already holds {@link #MAX_PEERS} people other than {@code member}. */
    private void full(org.jdbi.v3.core.Handle h, String encounterId, String member) {
        int others = MemberStore.present(h, encounterId, member, freshAfter());
        if (others >= MAX_PEERS) {
            throw new ConflictException("Room full", "A video room holds at most " + MAX_PEERS + " people; "
                    + others + " are in it", null, Map.of("maxPeers", MAX_PEERS));
        }
    }

    /**
     * 409 for one of the visit's people who is not in its room; for anyone else the visit's own answer ("No encounter",
     * or 403 for an administrator), so that a room tells outsiders nothing, not even that it is empty.
     */
    private ConflictException notInRoom(AuthenticatedUser caller, String encounterId) {
        encounters.seat(caller, encounterId);
        return new ConflictException("Not in the room", "Not in this visit's room: join it first", null, Map.of());
    }

    /**
     * Publishes the room as it is now to its admitted peers (the moderator's listener keeps the waiting list), with the
     * visit's status when this change knows it (null otherwise).
     */
    private Roster publish(String encounterId, String status) {
        Roster r = db.jdbi().withHandle(h -> MemberStore.roster(h, encounterId, status, freshAfter()));
        fanout.publish(Rooms.roomTopic(encounterId), ROOM_EVENT, r);
        return r;
    }

    private Instant freshAfter() {
        return clock.instant().minusSeconds(3L * config.heartbeatSeconds());
    }

    private static String required(String member) {
        if (member == null || member.isBlank()) {
            throw new InvalidException("member", "Required: who (as the roster names them)");
        }
        return member;
    }

    private static void required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidException(field, "Required");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
