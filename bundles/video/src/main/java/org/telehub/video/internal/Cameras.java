package org.telehub.video.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.InvalidException;
import org.telehub.media.MediaEngine;
import org.telehub.realtime.Fanout;
import org.telehub.realtime.TopicFollower;
import org.telehub.video.Rooms;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The live pictures this hub node shows in rooms (issue 22): for each, a camera session of the media engine, which
 * reads the source and sends it to every clinician's browser that offers to its peer, and a row of
 * {@code video_camera} that puts it in the roster with its signal (connecting, live, lost). The session follows its
 * peer's topic (the browsers' offers and candidates, relayed by the room after its checks) and the room's topic (a
 * browser that left is hung up). A stop asked on another node reaches this one through the realtime fan-out. When
 * the engine dies, the picture comes back under a new peer once the engine is up again (the browsers drop the old
 * connection and offer to the new one); a row left by a node that died is removed by whichever node's sweep finds it
 * a minute stale.
 */
final class Cameras {
    private static final Logger LOG = LoggerFactory.getLogger(Cameras.class);
    static final String CONTROL_STOP = "video.camera.stop";
    /** At most this many pictures in a room at once. */
    static final int MAX_PER_ROOM = 2;
    static final int STALE_SECONDS = 60;

    /** What the room tells the cameras: whether anyone is in it now, and that its roster changed. */
    interface Room {
        boolean anyoneIn(String encounterId);

        void changed(String encounterId);
    }

    private final VideoSchema db;
    private final Fanout fanout;
    private final TopicFollower topics;
    private final Supplier<MediaEngine> engine;
    private final Supplier<VideoConfig> config;
    private final ScheduledExecutorService pool;
    private final Clock clock;
    private final Room room;
    /** This node's pictures by peer id. */
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    Cameras(VideoSchema db, Fanout fanout, TopicFollower topics, Supplier<MediaEngine> engine,
            Supplier<VideoConfig> config, ScheduledExecutorService pool, Clock clock, Room room) {
        this.db = db;
        this.fanout = fanout;
        this.topics = topics;
        this.engine = engine;
        this.config = config;
        this.pool = pool;
        this.clock = clock;
        this.room = room;
    }

    static String controlTopic(String encounterId) {
        return "video.camera:" + encounterId;
    }

    /** Whether {@code peerId} is one of the room's pictures now. */
    boolean isCamera(String encounterId, String peerId) {
        return peerId != null && db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM video_camera"
                + " WHERE encounter_id = :e AND peer_id = :p").bind("e", encounterId).bind("p", peerId)
                .mapTo(Integer.class).one()) > 0;
    }

    /**
     * Shows {@code source} in the room from this node (the room checked who may). False when it is shown already.
     *
     * @throws org.telehub.domain.UnavailableException without a running media engine
     */
    boolean start(String encounterId, Rooms.CameraSource source, String by) {
        MediaEngine e = ServerPeer.running(engine);
        MediaEngine.Source what;
        try {
            what = new MediaEngine.Source(source.url(), source.width(), source.height(), source.fps());
        } catch (IllegalArgumentException bad) {
            throw new InvalidException("source", "The system's live video setting is not usable: "
                    + bad.getMessage());
        }
        String peerId = ServerPeer.newPeerId("cam-");
        Instant now = clock.instant();
        Boolean inserted = db.jdbi().inTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "video.camera:" + encounterId);
            List<String> shown = h.createQuery("SELECT source FROM video_camera WHERE encounter_id = :e")
                    .bind("e", encounterId).mapTo(String.class).list();
            if (shown.contains(source.id())) {
                return false;
            }
            if (shown.size() >= MAX_PER_ROOM) {
                return null;
            }
            h.createUpdate("INSERT INTO video_camera (encounter_id, source, name, peer_id, signal, started_by,"
                    + " started_at, seen_at) VALUES (:e, :s, :n, :p, 'connecting', :by, :now, :now)")
                    .bind("e", encounterId).bind("s", source.id()).bind("n", source.name()).bind("p", peerId)
                    .bind("by", by).bind("now", Timestamp.from(now)).execute();
            return true;
        });
        if (inserted == null) {
            throw new org.telehub.domain.ConflictException("Too many pictures", "A room shows at most "
                    + MAX_PER_ROOM + " live pictures at once: stop one first", null,
                    Map.of("maxCameras", MAX_PER_ROOM));
        }
        if (!inserted) {
            return false;
        }
        Live l = new Live(encounterId, source, peerId, by);
        live.put(peerId, l);
        try {
            l.begin(e, what);
        } catch (RuntimeException ex) {
            l.ended(false);
            throw ex;
        }
        return true;
    }

    /** Stops showing the source, on whichever node shows it. False when it was not shown. */
    boolean stop(String encounterId, String sourceId) {
        String peerId = db.jdbi().withHandle(h -> h.createQuery("SELECT peer_id FROM video_camera"
                + " WHERE encounter_id = :e AND source = :s").bind("e", encounterId).bind("s", sourceId)
                .mapTo(String.class).findOne().orElse(null));
        if (peerId == null) {
            return false;
        }
        Live l = live.get(peerId);
        if (l != null) {
            l.stop();
        } else {
            fanout.publish(controlTopic(encounterId), CONTROL_STOP, Map.of("peerId", peerId));
        }
        return true;
    }

    /** The visit ended: every picture of it stops. */
    void stopAll(String encounterId) {
        List<String> sources = db.jdbi().withHandle(h -> h.createQuery("SELECT source FROM video_camera"
                + " WHERE encounter_id = :e").bind("e", encounterId).mapTo(String.class).list());
        for (String s : sources) {
            stop(encounterId, s);
        }
    }

    /**
     * Keeps this node's pictures fresh, stops those of an empty room (nobody watches; the source is not read for
     * nothing) and removes those a node that died left.
     */
    void sweep() {
        Instant now = clock.instant();
        for (Live l : List.copyOf(live.values())) {
            if (!room.anyoneIn(l.encounterId)) {
                LOG.info("Live picture {} of visit {}: nobody is in the room; stopped", l.source.id(), l.encounterId);
                l.stop();
                continue;
            }
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE video_camera SET seen_at = :now WHERE peer_id = :p")
                    .bind("now", Timestamp.from(now)).bind("p", l.peerId).execute());
        }
        List<String[]> stale = db.jdbi().withHandle(h -> h.createQuery("DELETE FROM video_camera WHERE seen_at"
                + " < :before RETURNING encounter_id, peer_id").bind("before",
                        Timestamp.from(now.minusSeconds(STALE_SECONDS)))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list());
        for (String[] s : stale) {
            if (!live.containsKey(s[1])) {
                LOG.info("Live picture {} of visit {} was left by a hub that stopped: removed", s[1], s[0]);
                room.changed(s[0]);
            }
        }
    }

    /** The bundle stops: every picture of this node stops. */
    void close() {
        for (Live l : List.copyOf(live.values())) {
            l.stop();
        }
    }

    /** One picture shown from this node. */
    private final class Live extends ServerPeer {
        final Rooms.CameraSource source;
        final String by;
        /** The browsers that offered to it (hung up when they leave the room). */
        final Set<String> viewers = ConcurrentHashMap.newKeySet();
        volatile boolean stopAsked;

        Live(String encounterId, Rooms.CameraSource source, String peerId, String by) {
            super(encounterId, peerId, Rooms.CAMERA, fanout);
            this.source = source;
            this.by = by;
        }

        void begin(MediaEngine e, MediaEngine.Source what) {
            VideoConfig c = config.get();
            follows.add(topics.follow(Rooms.peerTopic(peerId), this::fromBrowser));
            follows.add(topics.follow(Rooms.roomTopic(encounterId), this::roster));
            follows.add(topics.follow(controlTopic(encounterId), (type, data) -> {
                if (CONTROL_STOP.equals(type) && peerId.equals(data.path("peerId").asText())) {
                    stop();
                }
            }));
            session = e.camera(peerId, new MediaEngine.Options(IceServers.of(c, peerId, clock.instant()),
                    c.relayOnly()), what, this);
            room.changed(encounterId);
        }

        @Override
        void offered(String browserPeer) {
            viewers.add(browserPeer);
        }

        /** The room's roster: a viewer no longer in it is hung up (its connection is of no use). */
        private void roster(String type, JsonNode d) {
            MediaEngine.Session s = session;
            if (!Rooms.ROOM_EVENT.equals(type) || s == null || over.get() || !d.has("peers")) {
                return;
            }
            Set<String> present = new HashSet<>();
            d.get("peers").forEach(p -> present.add(p.path("peerId").asText()));
            for (String v : List.copyOf(viewers)) {
                if (!present.contains(v) && viewers.remove(v)) {
                    s.hangup(v);
                }
            }
        }

        void stop() {
            if (stopAsked) {
                return;
            }
            stopAsked = true;
            MediaEngine.Session s = session;
            if (s != null) {
                s.stop(); // then ended(false)
            } else {
                ended(false);
            }
        }

        @Override
        public void peerState(String peer, String state) {
            LOG.debug("Live picture {}: viewer {} {}", peerId, peer, state);
        }

        @Override
        public void data(byte[] bytes) {
            // a picture sends; it produces nothing for the hub to keep
        }

        @Override
        public void signal(boolean on) {
            if (over.get()) {
                return;
            }
            int n = db.jdbi().withHandle(h -> h.createUpdate("UPDATE video_camera SET signal = :s WHERE peer_id = :p"
                    + " AND signal <> :s").bind("s", on ? "live" : "lost").bind("p", peerId).execute());
            LOG.info("Live picture {} of visit {}: signal {}", source.id(), encounterId, on ? "live" : "lost");
            if (n > 0) {
                room.changed(encounterId);
            }
        }

        @Override
        public void ended(boolean crashed) {
            if (!over.compareAndSet(false, true)) {
                return;
            }
            live.remove(peerId, this);
            unfollow();
            db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM video_camera WHERE peer_id = :p")
                    .bind("p", peerId).execute());
            LOG.info("Live picture {} of visit {} {}", source.id(), encounterId, crashed && !stopAsked
                    ? "ended with its media engine; shown again once the engine is back" : "stopped");
            room.changed(encounterId);
            if (crashed && !stopAsked) {
                resumeCheck(System.nanoTime() + TimeUnit.SECONDS.toNanos(90));
            }
        }

        /** After the engine died: shown again under a new peer once it is back (every 500 ms, 90 s at most). */
        private void resumeCheck(long end) {
            if (System.nanoTime() >= end || !room.anyoneIn(encounterId)) {
                return;
            }
            MediaEngine e = engine.get();
            if (e == null || !e.running()) {
                pool.schedule(() -> resumeCheck(end), 500, TimeUnit.MILLISECONDS);
                return;
            }
            try {
                start(encounterId, source, by);
            } catch (RuntimeException ex) {
                LOG.warn("Live picture {} of visit {} not shown again: {}", source.id(), encounterId, ex.toString());
            }
        }
    }
}
