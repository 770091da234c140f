package org.telehub.video;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * The video room of a visit (docs/websocket-protocol.md, "Video rooms"). Its people are the visit's doctor (the
 * moderator), its patient and its invited participants ({@code EncounterService.seat}); the patient, guests and
 * interpreters wait until the moderator admits them, and until then nothing of the room reaches them and nothing of
 * theirs reaches anyone. Signalling between admitted peers is relayed through the realtime channel's topics:
 * {@link #roomTopic} (the roster, to every admitted peer) and {@link #peerTopic} (what is for one peer).
 *
 * <p>Every call names its visit and acts for the caller's own peer in it (a member has at most one). Failures are
 * the exceptions of {@code org.telehub.domain}: "No encounter" (404) for one who is not the visit's, 403 for a
 * moderator's step by someone else, 409 for a room that is not open (too early, ended, no room) or a caller who is not
 * in it (waiting, left, replaced, removed).
 */
@ProviderType
public interface Rooms {
    /** The most people in a room at once: media go peer to peer, each sending to every other. */
    int MAX_PEERS = 4;
    /** Members wait until admitted. */
    String WAITING = "waiting";
    String ADMITTED = "admitted";
    String MODERATOR = "moderator";
    /** The hub's recording peer, in the roster when recording. */
    String RECORDER = "recorder";
    /** The member name a live picture's peer signals as. Since 3.0. */
    String CAMERA = "camera";

    /** Events: the roster (room topic); what is for one peer (peer topic). */
    String ROOM_EVENT = "video.room";
    String SIGNAL_EVENT = "video.signal";
    String ADMITTED_EVENT = "video.admitted";
    String REJECTED_EVENT = "video.rejected";
    String REMOVED_EVENT = "video.removed";
    String REPLACED_EVENT = "video.replaced";
    String MUTED_EVENT = "video.muted";
    String ENDED_EVENT = "video.ended";

    /** The topic every admitted peer of a visit's room follows. */
    static String roomTopic(String encounterId) {
        return "video:" + encounterId;
    }

    /** The topic of one peer. */
    static String peerTopic(String peerId) {
        return "video.peer:" + peerId;
    }

    /**
     * Enters the room as {@code peerId} (the caller's tab; the same id again re-enters, e.g. after being admitted): in
     * at once for the moderator, colleagues and anyone admitted before; else waiting. Another peer of the same member
     * is replaced (told {@link #REPLACED_EVENT}).
     */
    Joined join(AuthenticatedUser caller, String encounterId, String peerId);

    /**
     * The caller's peer is still there (its heartbeat); answers its state, so a waiting peer that missed its
     * admission learns it.
     */
    String ping(AuthenticatedUser caller, String encounterId, String peerId);

    /** The caller's peer leaves (a member who was admitted may come back at once). */
    void leave(AuthenticatedUser caller, String encounterId, String peerId);

    /** The peer's connection ended without leaving: as {@link #leave}, when it is still the member's peer. */
    void gone(String encounterId, String peerId);

    /**
     * Relays a description ({@code {type, sdp}}) or an ICE candidate from the caller's admitted peer {@code peerId}
     * (it must be the member's current peer: a replaced tab gets 409) to peer {@code to}, admitted in the same room.
     */
    void signal(AuthenticatedUser caller, String encounterId, String peerId, String to,
            Map<String, Object> description, Map<String, Object> candidate);

    /** What the caller's peer sends now (shown to the others). */
    Roster media(AuthenticatedUser caller, String encounterId, String peerId, boolean audio, boolean video,
            boolean screen);

    /** The moderator lets a waiting member in; the first admission starts the visit. */
    Roster admit(AuthenticatedUser caller, String encounterId, String member);

    /** The moderator turns a waiting member away, optionally saying why. */
    Roster reject(AuthenticatedUser caller, String encounterId, String member, String reason);

    /** The moderator sends an admitted member out of the room (joining again, they wait). */
    Roster remove(AuthenticatedUser caller, String encounterId, String member);

    /** The moderator asks a member's peer to turn its microphone off. */
    Roster mute(AuthenticatedUser caller, String encounterId, String member);

    /**
     * Who leads the room hands the lead to another clinician in it (an invited colleague, or back to the visit's
     * doctor, who can always take it back): they admit, turn away, mute, remove, record and end from then on; the
     * roster's {@code moderator} names them. Since 2.1.
     */
    Roster handOver(AuthenticatedUser caller, String encounterId, String member);

    /** The moderator ends the visit for everyone (the encounter is completed). */
    Roster end(AuthenticatedUser caller, String encounterId);

    /**
     * The caller's consent to the recording of this visit, given or withdrawn in the room (waiting or in). The
     * patient's consent is also the encounter's ({@code EncounterService.consentToRecording}). Withdrawing stops a
     * recording at once.
     */
    Roster consent(AuthenticatedUser caller, String encounterId, boolean consent);

    /**
     * The moderator starts or stops recording. Starting needs a visit that is to be recorded, the media engine, and the
     * consent of everyone in the room (409 "Consent missing", naming who has not); it stops by itself when one of
     * them withdraws, someone enters who has not consented, or the visit ends.
     */
    Roster record(AuthenticatedUser caller, String encounterId, boolean on);

    /**
     * The live pictures the visit may show (from {@link CameraSources}: e.g. the endoscopy systems where its patient
     * is known) and, for those shown now, their peer in the room and signal; for the visit's clinicians (its doctor
     * and invited colleagues; 403 for its other people), audited. Since 3.0.
     */
    List<CameraState> cameraSources(AuthenticatedUser caller, String encounterId);

    /**
     * Who leads the room shows one of the visit's live pictures in it ({@link #cameraSources}; another id: 422
     * {@code sourceId}): the hub's media engine reads the source and joins as one more peer that only sends; the
     * visit's clinicians offer to it and see it, no one else may (their signals to it are refused 403). The roster
     * lists it with its signal. Showing what is shown already changes nothing. Since 3.0.
     *
     * @throws org.telehub.domain.ConflictException when the room is not open, or shows {@code 2} pictures already
     * @throws org.telehub.domain.UnavailableException without a running media engine
     */
    Roster showCamera(AuthenticatedUser caller, String encounterId, String sourceId);

    /** Who leads the room stops showing a picture; nothing shown, nothing done. Since 3.0. */
    Roster hideCamera(AuthenticatedUser caller, String encounterId, String sourceId);

    /** A picture the visit may show, and while shown its {@link Camera} in the room (else null). Since 3.0. */
    record CameraState(String id, String name, Camera shown) {
    }

    /**
     * Where a live picture comes from: its system's id and name, and what the media engine reads (an RTSP URL or a
     * V4L2 device {@code /dev/videoN}, the size and rate it is sent at). The URL is the clinic's configuration: it is
     * never in a roster.
     */
    record CameraSource(String id, String name, String url, int width, int height, int fps) {
    }

    /**
     * A live picture in the room: offered to by the clinicians, it only sends.
     *
     * @param source its system's id
     * @param signal {@code connecting} (no frame yet), {@code live}, {@code lost} (no frame for 2 s: the viewers keep
     *            the last picture, and the engine keeps trying the source)
     */
    record Camera(String peerId, String source, String name, String signal, Instant since) {
    }

    /** The visit's recordings (its doctor, and administrators); the read is audited. */
    List<Recording> recordings(AuthenticatedUser caller, String encounterId);

    /**
     * One recording's audio ({@code audio/webm}, decrypted), for the visit's doctor and administrators; audited.
     */
    java.io.InputStream openRecording(AuthenticatedUser caller, String encounterId, String recordingId);

    /**
     * A recorded part of a visit.
     *
     * @param state {@code recording}, {@code stopped}, {@code interrupted} (its engine or the hub stopped)
     */
    record Recording(String id, int part, String state, String startedBy, Instant startedAt, Instant endedAt,
            long sizeBytes, String endReason) {
    }

    /**
     * What the caller's peer measured of its connections just now (the worst round trip and loss of them, what arrived
     * in all, whether any went through a relay); kept summed per member as the visit's call-quality summary. Browsers
     * report every few seconds while in the room.
     */
    void quality(AuthenticatedUser caller, String encounterId, String peerId, Sample sample);

    /**
     * The visit's call quality per member, kept after the call: for its doctor, and for administrators (who
     * investigate a complaint); the read is audited.
     */
    List<Quality> quality(AuthenticatedUser caller, String encounterId);

    /** One report: round trip (ms), packets lost (%), what arrived (kbit/s), through a TURN relay. */
    record Sample(int rttMs, double lossPercent, int kbpsIn, boolean relayed) {
    }

    /** A member's summary: averages over {@code samples} reports and the worst seen, between two times. */
    record Quality(String member, String name, int samples, int rttMsAvg, int rttMsMax, double lossPercentAvg,
            double lossPercentMax, int kbpsInAvg, boolean relayed, Instant firstAt, Instant lastAt) {
    }

    /**
     * What a join answers. {@code room} is null while waiting.
     *
     * @param iceServers as {@code RTCConfiguration.iceServers}: {@code urls}, and for TURN {@code username} and
     *            {@code credential}
     * @param iceTransportPolicy {@code all}, or {@code relay} when the clinic allows relayed media only
     */
    record Joined(String encounterId, String peerId, String member, String state, String role, boolean audioOnly,
            List<Map<String, Object>> iceServers, String iceTransportPolicy, int heartbeatSeconds, Roster room,
            boolean recordingEnabled, boolean consent) {
    }

    /**
     * Who is in the room now and, for the moderator, who waits.
     *
     * @param recorder the hub's recording peer while it records (every client sends it its audio and shows that the
     *            visit is recorded), else null
     * @param recordingNote why recording last stopped by itself (someone withdrew consent, entered without it, the
     *            engine restarted), else null
     * @param cameras the live pictures shown in the room (since 3.0)
     */
    record Roster(String encounterId, String status, String moderator, List<Peer> peers, List<Waiting> waiting,
            Recorder recorder, String recordingNote, List<Camera> cameras) {
        /** The same roster without the waiting list (what everyone but the moderator sees). */
        public Roster withoutWaiting() {
            return new Roster(encounterId, status, moderator, peers, List.of(), recorder, recordingNote, cameras);
        }
    }

    /** @param consent whether this member consented to the visit's recording */
    record Peer(String peerId, String member, String name, String role, boolean audio, boolean video,
            boolean screen, boolean consent) {
    }

    /** The recording peer: offered to like any peer, it only receives. */
    record Recorder(String peerId, Instant since, int part) {
    }

    /** @param note {@code rejected} or {@code removed} when the member was turned away or sent out before */
    record Waiting(String member, String name, String role, Instant since, String note) {
    }
}
