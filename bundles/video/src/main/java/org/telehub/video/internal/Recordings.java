package org.telehub.video.internal;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.UnavailableException;
import org.telehub.files.Appending;
import org.telehub.files.FileStore;
import org.telehub.media.MediaEngine;
import org.telehub.realtime.Fanout;
import org.telehub.realtime.TopicFollower;
import org.telehub.video.Rooms;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The recordings this hub node makes: for each, a session of the media engine that the room's browsers send their
 * audio to (the roster names its peer), its encoded bytes appended to a file of the file store and synced as they
 * come (a crash loses at most the last second), and a row of {@code video_recording}. A stop asked on any node
 * reaches the node that records through the realtime fan-out. When the engine dies the part ends "interrupted" and,
 * if the room still consents, a new part begins once the engine is back. Parts left "recording" by a node that died
 * are closed by whichever node's sweep finds them first ({@link FileStore#recover}).
 *
 * <p>Why a part ended ({@code end_reason}, the roster's {@code recordingNote}) is a code the web app words:
 * {@code withdrawn:<name>}, {@code unconsented:<name>} (entered without consent), {@code ended} (the visit),
 * {@code engine} (the media engine stopped), {@code hub} (the hub recording it stopped), {@code storage},
 * {@code service} (the video service stopped); null when the moderator stopped it.
 */
final class Recordings {
    private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);
    static final String CONTROL_STOP = "video.recorder.stop";
    /** A part whose writer has not synced for this long is taken as abandoned by a node that died. */
    static final int STALE_SECONDS = 60;

    /** What the room decides for the recorder: whether a new part may begin now (null: yes; else why not). */
    interface Room {
        String whyNot(String encounterId);

        void changed(String encounterId);
    }

    private final VideoSchema db;
    private final FileStore files;
    private final Fanout fanout;
    private final TopicFollower topics;
    private final Supplier<MediaEngine> engine;
    private final Supplier<VideoConfig> config;
    private final ScheduledExecutorService pool;
    private final Clock clock;
    private final Room room;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    Recordings(VideoSchema db, FileStore files, Fanout fanout, TopicFollower topics, Supplier<MediaEngine> engine,
            Supplier<VideoConfig> config, ScheduledExecutorService pool, Clock clock, Room room) {
        this.db = db;
        this.files = files;
        this.fanout = fanout;
        this.topics = topics;
        this.engine = engine;
        this.config = config;
        this.pool = pool;
        this.clock = clock;
        this.room = room;
    }

    static String controlTopic(String encounterId) {
        return "video.recorder:" + encounterId;
    }

    /** Whether {@code peerId} is the visit's recording peer now. */
    boolean isRecorder(String encounterId, String peerId) {
        return peerId != null && db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM video_recording"
                + " WHERE encounter_id = :e AND peer_id = :p AND state = 'recording'").bind("e", encounterId)
                .bind("p", peerId).mapTo(Integer.class).one()) > 0;
    }

    boolean recording(String encounterId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM video_recording"
                + " WHERE encounter_id = :e AND state = 'recording'").bind("e", encounterId).mapTo(Integer.class)
                .one()) > 0;
    }

    /**
     * Starts a part on this node (the room checked who may and that everyone consents). False when the visit records
     * already.
     *
     * @throws UnavailableException without a running media engine
     */
    boolean start(String encounterId, String by) {
        MediaEngine e = ServerPeer.running(engine);
        Instant now = clock.instant();
        String peerId = ServerPeer.newPeerId("rec-");
        String id = UUID.randomUUID().toString();
        Appending file;
        try {
            file = files.append(MediaEngine.RECORDING_TYPE, "recording");
        } catch (IOException ex) {
            LOG.warn("Recording of visit {} not started: the file store refused it: {}", encounterId, ex.toString());
            throw new UnavailableException("Recording not stored", "The file store refused the recording (the hub's"
                    + " log says why)", null, Map.of()); // its paths are the operators', not the caller's
        }
        boolean inserted = db.jdbi().inTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "video.recording:" + encounterId);
            if (h.createQuery("SELECT count(*) FROM video_recording WHERE encounter_id = :e AND state = 'recording'")
                    .bind("e", encounterId).mapTo(Integer.class).one() > 0) {
                return false;
            }
            int part = h.createQuery("SELECT COALESCE(MAX(part), 0) + 1 FROM video_recording WHERE encounter_id = :e")
                    .bind("e", encounterId).mapTo(Integer.class).one();
            h.createUpdate("INSERT INTO video_recording (id, encounter_id, part, file_id, peer_id, state, started_by,"
                    + " started_at, synced_at) VALUES (:id, :e, :part, :file, :peer, 'recording', :by, :now, :now)")
                    .bind("id", id).bind("e", encounterId).bind("part", part).bind("file", file.id())
                    .bind("peer", peerId).bind("by", by).bind("now", Timestamp.from(now)).execute();
            return true;
        });
        if (!inserted) {
            file.close();
            try {
                files.recover(file.id());
                files.delete(file.id());
            } catch (IOException ex) {
                LOG.debug("An unused recording file {} stays: {}", file.id(), ex.toString());
            }
            return false;
        }
        Live l = new Live(id, encounterId, peerId, file, by);
        live.put(encounterId, l);
        try {
            l.begin(e);
        } catch (RuntimeException ex) {
            l.stopAsked = true; // it never began: stopped, not resumed behind the moderator's back
            l.ended(true, "engine");
            throw ex;
        }
        return true;
    }

    /** Asks whichever node records the visit to stop, saying why (null: the moderator stopped it). */
    void stop(String encounterId, String reason) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("encounterId", encounterId);
        d.put("reason", reason);
        Live l = live.get(encounterId);
        if (l != null) {
            l.stop(reason);
        } else if (recording(encounterId)) {
            fanout.publish(controlTopic(encounterId), CONTROL_STOP, d);
        }
    }

    /**
     * Keeps this node's parts fresh (their writer is alive) and closes parts abandoned by a node that died: their
     * files keep what was synced.
     */
    void sweep() {
        Instant now = clock.instant();
        for (Live l : live.values()) {
            l.touch(now);
        }
        List<String[]> stale = db.jdbi().withHandle(h -> h.createQuery("SELECT id, file_id, encounter_id FROM"
                + " video_recording WHERE state = 'recording' AND synced_at < :before")
                .bind("before", Timestamp.from(now.minusSeconds(STALE_SECONDS)))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list());
        for (String[] s : stale) {
            if (live.values().stream().anyMatch(l -> l.id.equals(s[0]))) {
                continue;
            }
            long size = 0;
            try {
                size = files.recover(s[1]).size();
            } catch (IOException e) {
                LOG.warn("Recording {}: its file {} could not be recovered: {}", s[0], s[1], e.toString());
            }
            long bytes = size;
            int n = db.jdbi().withHandle(h -> h.createUpdate("UPDATE video_recording SET state = 'interrupted',"
                    + " ended_at = :now, size_bytes = :size, end_reason = :why WHERE id = :id AND state = 'recording'")
                    .bind("now", Timestamp.from(now)).bind("size", bytes).bind("why", "hub")
                    .bind("id", s[0]).execute());
            if (n > 0) {
                LOG.info("Recording {} of visit {} was left by a hub that stopped: closed with {} bytes", s[0], s[2],
                        bytes);
                room.changed(s[2]);
            }
        }
    }

    /** The bundle stops: every recording of this node stops as if asked. */
    void close() {
        for (Live l : List.copyOf(live.values())) {
            l.stop("service");
        }
    }

    /** One part being recorded on this node. */
    private final class Live extends ServerPeer {
        final String id;
        final Appending file;
        final String by;
        volatile String stopReason;
        volatile boolean stopAsked;
        long size;
        long lastTouch;

        Live(String id, String encounterId, String peerId, Appending file, String by) {
            super(encounterId, peerId, Rooms.RECORDER, fanout);
            this.id = id;
            this.file = file;
            this.by = by;
        }

        void begin(MediaEngine e) {
            VideoConfig c = config.get();
            session = e.record(id, new MediaEngine.Options(IceServers.of(c, peerId, clock.instant()), c.relayOnly()),
                    this);
            follows.add(topics.follow(Rooms.peerTopic(peerId), this::fromBrowser));
            follows.add(topics.follow(controlTopic(encounterId), (type, data) -> {
                if (CONTROL_STOP.equals(type)) {
                    JsonNode r = data.get("reason");
                    stop(r == null || r.isNull() ? null : r.asText());
                }
            }));
            room.changed(encounterId);
        }

        void stop(String reason) {
            if (stopAsked) {
                return;
            }
            stopAsked = true;
            stopReason = reason;
            MediaEngine.Session s = session;
            if (s != null) {
                s.stop(); // the engine flushes the encoder, then ended(false)
            } else {
                ended(false, reason);
            }
        }

        void touch(Instant now) {
            long bytes;
            synchronized (this) {
                bytes = size;
            }
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE video_recording SET synced_at = :now, size_bytes = :size"
                    + " WHERE id = :id AND state = 'recording'").bind("now", Timestamp.from(now)).bind("size", bytes)
                    .bind("id", id).execute());
        }

        @Override
        public void peerState(String peer, String state) {
            LOG.debug("Recording {}: peer {} {}", id, peer, state);
        }

        @Override
        public synchronized void data(byte[] bytes) {
            if (over.get()) {
                return;
            }
            try {
                file.write(bytes, 0, bytes.length);
                size = file.sync(); // a second of audio at a time: durable before the next arrives
            } catch (IOException e) {
                LOG.warn("Recording {}: storing failed ({}); stopping it", id, e.toString());
                stop("storage");
            }
            long now = System.nanoTime();
            if (now - lastTouch > 5_000_000_000L) {
                lastTouch = now;
                touch(clock.instant());
            }
        }

        @Override
        public void ended(boolean crashed) {
            ended(crashed, crashed && !stopAsked ? "engine" : stopReason);
        }

        void ended(boolean crashed, String reason) {
            if (!over.compareAndSet(false, true)) {
                return;
            }
            live.remove(encounterId, this);
            unfollow();
            long bytes;
            synchronized (this) {
                try {
                    bytes = file.finish().size();
                } catch (IOException e) {
                    LOG.warn("Recording {}: finishing its file failed ({}); recovering it", id, e.toString());
                    file.close();
                    try {
                        bytes = files.recover(file.id()).size();
                    } catch (IOException again) {
                        bytes = size;
                    }
                }
            }
            long stored = bytes;
            String state = crashed && !stopAsked ? "interrupted" : "stopped";
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE video_recording SET state = :state, ended_at = :now,"
                    + " size_bytes = :size, end_reason = :why WHERE id = :id").bind("state", state)
                    .bind("now", Timestamp.from(clock.instant())).bind("size", stored).bind("why", reason)
                    .bind("id", id).execute());
            LOG.info("Recording {} of visit {} {} ({} bytes){}", id, encounterId, state, stored,
                    reason == null ? "" : ": " + reason);
            room.changed(encounterId);
            if ("interrupted".equals(state)) {
                resume();
            }
        }

        /** After the engine died: a new part once it is back (looked for every 500 ms, 90 s at most), if the room still allows it. */
        private void resume() {
            resumeCheck(System.nanoTime() + 90_000_000_000L);
        }

        private void resumeCheck(long end) {
            if (System.nanoTime() >= end) {
                return;
            }
            MediaEngine e = engine.get();
            if (e == null || !e.running()) {
                pool.schedule(() -> resumeCheck(end), 500, TimeUnit.MILLISECONDS);
                return;
            }
            String why = room.whyNot(encounterId);
            if (why != null) {
                LOG.info("Recording of visit {} not resumed: {}", encounterId, why);
                return;
            }
            try {
                start(encounterId, by);
            } catch (RuntimeException ex) {
                LOG.warn("Recording of visit {} not resumed: {}", encounterId, ex.toString());
            }
        }
    }
}
