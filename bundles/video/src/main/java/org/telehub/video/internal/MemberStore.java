package org.telehub.video.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.telehub.video.Rooms;

/** The rows of {@code video_member}: one per member and visit. */
final class MemberStore {
    private static final String COLUMNS = "encounter_id, member, role, name, state, note, reason, peer_id, seen_at,"
            + " audio, video, screen, waiting_since, consent";

    private MemberStore() {
    }

    /** One member of a room as stored; {@code peerId} null when not in the room now. */
    record Member(String encounterId, String member, String role, String name, String state, String note,
            String reason, String peerId, Instant seenAt, boolean audio, boolean video, boolean screen,
            Instant waitingSince, boolean consent) {
        /** In the room now: a peer heard from since {@code freshAfter}. */
        boolean present(Instant freshAfter) {
            return peerId != null && seenAt != null && seenAt.isAfter(freshAfter);
        }
    }

    /** The member's row, locked for the rest of the transaction. */
    static Optional<Member> lock(Handle h, String encounterId, String member) {
        return h.createQuery("SELECT " + COLUMNS + " FROM video_member WHERE encounter_id = :e AND member = :m"
                + " FOR UPDATE").bind("e", encounterId).bind("m", member).map((rs, ctx) -> read(rs)).findOne();
    }

    /** Every member of the room, locked (ending it). */
    static List<Member> lockAll(Handle h, String encounterId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM video_member WHERE encounter_id = :e ORDER BY member"
                + " FOR UPDATE").bind("e", encounterId).map((rs, ctx) -> read(rs)).list();
    }

    static Optional<Member> byPeer(Handle h, String encounterId, String peerId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM video_member WHERE encounter_id = :e AND peer_id = :p")
                .bind("e", encounterId).bind("p", peerId).map((rs, ctx) -> read(rs)).findOne();
    }

    static Optional<Member> of(Handle h, String encounterId, String member) {
        return h.createQuery("SELECT " + COLUMNS + " FROM video_member WHERE encounter_id = :e AND member = :m")
                .bind("e", encounterId).bind("m", member).map((rs, ctx) -> read(rs)).findOne();
    }

    static void upsert(Handle h, Member m, Instant now, String admittedBy) {
        h.createUpdate("INSERT INTO video_member (encounter_id, member, role, name, state, note, reason, peer_id,"
                + " seen_at, audio, video, screen, waiting_since, admitted_at, admitted_by, updated_at)"
                + " VALUES (:e, :m, :role, :name, :state, :note, :reason, :peer, :seen, :audio, :video, :screen,"
                + " :since, :admittedAt, :by, :now)"
                + " ON CONFLICT (encounter_id, member) DO UPDATE SET role = :role, name = :name, state = :state,"
                + " note = :note, reason = :reason, peer_id = :peer, seen_at = :seen, audio = :audio, video = :video,"
                + " screen = :screen, waiting_since = :since,"
                + " admitted_at = COALESCE(video_member.admitted_at, :admittedAt),"
                + " admitted_by = COALESCE(video_member.admitted_by, :by), updated_at = :now")
                .bind("e", m.encounterId()).bind("m", m.member()).bind("role", m.role()).bind("name", m.name())
                .bind("state", m.state()).bind("note", m.note()).bind("reason", m.reason()).bind("peer", m.peerId())
                .bind("seen", ts(m.seenAt())).bind("audio", m.audio()).bind("video", m.video())
                .bind("screen", m.screen()).bind("since", ts(m.waitingSince()))
                .bind("admittedAt", Rooms.ADMITTED.equals(m.state()) ? ts(now) : null)
                .bind("by", Rooms.ADMITTED.equals(m.state()) ? admittedBy : null).bind("now", ts(now)).execute();
    }

    /** The member's peer {@code peerId} is heard from: its state; empty when it is not the member's peer (any more). */
    static Optional<String> seen(Handle h, String encounterId, String member, String peerId, Instant now) {
        return h.createQuery("UPDATE video_member SET seen_at = :now WHERE encounter_id = :e AND member = :m"
                + " AND peer_id = :p RETURNING state").bind("e", encounterId).bind("m", member).bind("p", peerId)
                .bind("now", ts(now)).mapTo(String.class).findOne();
    }

    /** Takes a transaction lock on the member of a room, so its joins are decided one after the other. */
    static void serialise(Handle h, String encounterId, String member) {
        h.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "video:" + encounterId + ":" + member);
    }

    /** How many admitted peers other than {@code member}'s are in the room now. */
    static int present(Handle h, String encounterId, String member, Instant freshAfter) {
        return h.createQuery("SELECT count(*) FROM video_member WHERE encounter_id = :e AND member <> :m"
                + " AND state = 'admitted' AND peer_id IS NOT NULL AND seen_at > :fresh").bind("e", encounterId)
                .bind("m", member).bind("fresh", ts(freshAfter)).mapTo(Integer.class).one();
    }

    /** Peer {@code peerId} is no longer in the room (of whichever member it is); false when it was not. */
    static boolean out(Handle h, String encounterId, String peerId, Instant now) {
        return h.createUpdate("UPDATE video_member SET peer_id = NULL, seen_at = NULL, screen = FALSE,"
                + " updated_at = :now WHERE encounter_id = :e AND peer_id = :p").bind("e", encounterId)
                .bind("p", peerId).bind("now", ts(now)).execute() == 1;
    }

    static void media(Handle h, String encounterId, String member, boolean audio, boolean video, boolean screen,
            Instant now) {
        h.createUpdate("UPDATE video_member SET audio = :a, video = :v, screen = :s, seen_at = :now, updated_at = :now"
                + " WHERE encounter_id = :e AND member = :m").bind("a", audio).bind("v", video).bind("s", screen)
                .bind("now", ts(now)).bind("e", encounterId).bind("m", member).execute();
    }

    static void state(Handle h, String encounterId, String member, String state, String reason, boolean keepPeer,
            String by, Instant now) {
        h.createUpdate("UPDATE video_member SET state = :state, reason = :reason, note = NULL,"
                + (keepPeer ? "" : " peer_id = NULL, seen_at = NULL, screen = FALSE,")
                + " admitted_at = CASE WHEN :state = 'admitted' THEN COALESCE(admitted_at, :now) ELSE admitted_at END,"
                + " admitted_by = CASE WHEN :state = 'admitted' THEN COALESCE(admitted_by, :by) ELSE admitted_by END,"
                + " updated_at = :now WHERE encounter_id = :e AND member = :m").bind("state", state)
                .bind("reason", reason).bind("by", by).bind("now", ts(now)).bind("e", encounterId)
                .bind("m", member).execute();
    }

    static void audio(Handle h, String encounterId, String member, boolean on, Instant now) {
        h.createUpdate("UPDATE video_member SET audio = :a, updated_at = :now WHERE encounter_id = :e AND member = :m")
                .bind("a", on).bind("now", ts(now)).bind("e", encounterId).bind("m", member).execute();
    }

    /** Everyone leaves the room (it ended). */
    static void empty(Handle h, String encounterId, Instant now) {
        h.createUpdate("UPDATE video_member SET peer_id = NULL, seen_at = NULL, screen = FALSE, updated_at = :now"
                + " WHERE encounter_id = :e AND peer_id IS NOT NULL").bind("e", encounterId).bind("now", ts(now))
                .execute();
    }

    /** The room now: its present admitted peers, and who waits (present, in the order they came). */
    static Rooms.Roster roster(Handle h, String encounterId, String status, Instant freshAfter) {
        List<Rooms.Peer> peers = new ArrayList<>();
        List<Rooms.Waiting> waiting = new ArrayList<>();
        String moderator = handedTo(h, encounterId).orElse(null);
        for (Member m : h.createQuery("SELECT " + COLUMNS + " FROM video_member WHERE encounter_id = :e"
                + " ORDER BY admitted_at NULLS LAST, waiting_since, member")
                .bind("e", encounterId).map((rs, ctx) -> read(rs)).list()) {
            if (Rooms.MODERATOR.equals(m.role()) && moderator == null) {
                moderator = m.member();
            }
            if (!m.present(freshAfter)) {
                continue;
            }
            if (Rooms.ADMITTED.equals(m.state())) {
                peers.add(new Rooms.Peer(m.peerId(), m.member(), m.name(), m.role(), m.audio(), m.video(),
                        m.screen(), m.consent()));
            } else if (Rooms.WAITING.equals(m.state())) {
                waiting.add(new Rooms.Waiting(m.member(), m.name(), m.role(), m.waitingSince(), m.note()));
            }
        }
        Rooms.Recorder recorder = h.createQuery("SELECT peer_id, started_at, part FROM video_recording"
                + " WHERE encounter_id = :e AND state = 'recording'").bind("e", encounterId)
                .map((rs, ctx) -> new Rooms.Recorder(rs.getString(1), instant(rs.getTimestamp(2)), rs.getInt(3)))
                .findOne().orElse(null);
        String note = recorder != null ? null : h.createQuery("SELECT end_reason FROM video_recording"
                + " WHERE encounter_id = :e ORDER BY part DESC LIMIT 1").bind("e", encounterId).mapTo(String.class)
                .findOne().orElse(null);
        return new Rooms.Roster(encounterId, status, moderator, List.copyOf(peers), List.copyOf(waiting), recorder,
                note, cameras(h, encounterId));
    }

    /** The live pictures shown in the room, in the order they were shown. */
    static List<Rooms.Camera> cameras(Handle h, String encounterId) {
        return List.copyOf(h.createQuery("SELECT peer_id, source, name, signal, started_at FROM video_camera"
                + " WHERE encounter_id = :e ORDER BY started_at, source").bind("e", encounterId)
                .map((rs, ctx) -> new Rooms.Camera(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs.getTimestamp(5)))).list());
    }

    /** The member who leads the room when the visit's doctor handed it over; empty: the doctor leads. */
    static Optional<String> handedTo(Handle h, String encounterId) {
        return h.createQuery("SELECT moderator FROM video_room WHERE encounter_id = :e").bind("e", encounterId)
                .mapTo(String.class).findOne();
    }

    /** {@code member} leads the room from now on; null: back to the visit's doctor. */
    static void handOver(Handle h, String encounterId, String member, String by, Instant now) {
        if (member == null) {
            h.execute("DELETE FROM video_room WHERE encounter_id = ?", encounterId);
            return;
        }
        h.createUpdate("INSERT INTO video_room (encounter_id, moderator, handed_by, handed_at) VALUES (:e, :m, :by,"
                + " :now) ON CONFLICT (encounter_id) DO UPDATE SET moderator = :m, handed_by = :by, handed_at = :now")
                .bind("e", encounterId).bind("m", member).bind("by", by).bind("now", ts(now)).execute();
    }

    /** Records the member's consent to recording (true) or its withdrawal; false when the member has no row. */
    static boolean consent(Handle h, String encounterId, String member, boolean consent, Instant now) {
        return h.createUpdate("UPDATE video_member SET consent = :c, consent_at = :now, updated_at = :now"
                + " WHERE encounter_id = :e AND member = :m").bind("c", consent).bind("now", ts(now))
                .bind("e", encounterId).bind("m", member).execute() > 0;
    }

    /** Names of the members in the room now who have not consented to recording. */
    static List<String> withoutConsent(Handle h, String encounterId, Instant freshAfter) {
        return h.createQuery("SELECT name FROM video_member WHERE encounter_id = :e AND state = 'admitted'"
                + " AND peer_id IS NOT NULL AND seen_at > :fresh AND NOT consent ORDER BY name")
                .bind("e", encounterId).bind("fresh", ts(freshAfter)).mapTo(String.class).list();
    }

    /** Adds a report to the member's summary. */
    static void quality(Handle h, String encounterId, String member, Rooms.Sample q, Instant now) {
        h.createUpdate("INSERT INTO video_quality (encounter_id, member, samples, rtt_ms_sum, rtt_ms_max, loss_sum,"
                + " loss_max, kbps_sum, relayed, first_at, last_at) VALUES (:e, :m, 1, :rtt, :rtt, :loss, :loss, :kbps,"
                + " :relayed, :now, :now) ON CONFLICT (encounter_id, member) DO UPDATE SET"
                + " samples = video_quality.samples + 1, rtt_ms_sum = video_quality.rtt_ms_sum + :rtt,"
                + " rtt_ms_max = GREATEST(video_quality.rtt_ms_max, :rtt), loss_sum = video_quality.loss_sum + :loss,"
                + " loss_max = GREATEST(video_quality.loss_max, :loss), kbps_sum = video_quality.kbps_sum + :kbps,"
                + " relayed = video_quality.relayed OR :relayed, last_at = :now").bind("e", encounterId)
                .bind("m", member).bind("rtt", q.rttMs()).bind("loss", q.lossPercent()).bind("kbps", q.kbpsIn())
                .bind("relayed", q.relayed()).bind("now", ts(now)).execute();
    }

    /** The visit's summary per member, by the member's name in the room. */
    static List<Rooms.Quality> quality(Handle h, String encounterId) {
        return h.createQuery("SELECT q.*, COALESCE(m.name, q.member) AS name FROM video_quality q LEFT JOIN video_member m"
                + " ON m.encounter_id = q.encounter_id AND m.member = q.member WHERE q.encounter_id = :e"
                + " ORDER BY q.first_at, q.member").bind("e", encounterId).map((rs, ctx) -> {
                    int n = rs.getInt("samples");
                    return new Rooms.Quality(rs.getString("member"), rs.getString("name"), n,
                            (int) Math.round(rs.getLong("rtt_ms_sum") / (double) n), rs.getInt("rtt_ms_max"),
                            Math.round(rs.getDouble("loss_sum") / n * 10) / 10.0, rs.getDouble("loss_max"),
                            (int) Math.round(rs.getLong("kbps_sum") / (double) n), rs.getBoolean("relayed"),
                            instant(rs.getTimestamp("first_at")), instant(rs.getTimestamp("last_at")));
                }).list();
    }

    private static Member read(ResultSet rs) throws SQLException {
        return new Member(rs.getString("encounter_id"), rs.getString("member"), rs.getString("role"),
                rs.getString("name"), rs.getString("state"), rs.getString("note"), rs.getString("reason"),
                rs.getString("peer_id"), instant(rs.getTimestamp("seen_at")), rs.getBoolean("audio"),
                rs.getBoolean("video"), rs.getBoolean("screen"), instant(rs.getTimestamp("waiting_since")),
                rs.getBoolean("consent"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
