package org.telehub.realtime.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.jms.Topic;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.messaging.Messaging;
import org.telehub.realtime.Fanout;
import org.telehub.realtime.TopicFollower;
import org.telehub.realtime.SocketHandler;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.BrowserGate;
import org.telehub.work.TelehubExecutors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * This node's connections, the message types offered (handler services), the topics connections follow, and the
 * fan-out: every event is published to one non-persistent Artemis topic ({@value #JMS_TOPIC}) that each node
 * consumes, so an event reaches the connections of every node, this one's included, by the same path. When the
 * broker cannot be reached, events still reach this node's connections directly while it reconnects.
 */
@Component(service = { SocketHub.class, Fanout.class, TopicFollower.class }, configurationPid = "org.telehub.realtime")
@Designate(ocd = RealtimeConfig.class)
public class SocketHub implements Fanout, TopicFollower {
    static final String JMS_TOPIC = "telehub.realtime";
    private static final Logger LOG = LoggerFactory.getLogger(SocketHub.class);

    private final BrowserGate gate;
    private final ConnectionFactory jmsFactory;
    private final ScheduledExecutorService pool;
    private final Map<String, SocketHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> followers = new ConcurrentHashMap<>();
    private final Map<String, Set<TopicFollower.Listener>> serverFollowers = new ConcurrentHashMap<>();
    private final Map<String, Bucket> users = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final String node = UUID.randomUUID().toString();
    private final Object jmsLock = new Object();
    private volatile RealtimeConfig config;
    private javax.jms.Connection jms;
    private Session producerSession;
    private MessageProducer producer;
    private ScheduledFuture<?> ticker;
    private volatile boolean active = true;

    @Activate
    public SocketHub(@Reference BrowserGate gate,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory jmsFactory,
            @Reference TelehubExecutors executors, RealtimeConfig config) {
        this.gate = gate;
        this.jmsFactory = jmsFactory;
        this.config = config;
        this.pool = executors.pool("realtime", 2);
        ticker = pool.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        pool.execute(this::connectJms);
    }

    @Modified
    void modified(RealtimeConfig c) {
        this.config = c;
    }

    @Deactivate
    void deactivate() {
        active = false;
        ticker.cancel(false);
        for (Connection c : List.copyOf(connections.values())) {
            c.close(Frames.CLOSE_GOING_AWAY, "The hub's realtime channel is stopping; reconnect and resume");
        }
        synchronized (jmsLock) {
            closeJms();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHandler(SocketHandler h, Map<String, Object> props) {
        for (String type : types(props)) {
            SocketHandler earlier = handlers.putIfAbsent(type, h);
            if (earlier != null && earlier != h) {
                LOG.warn("Message type {} has two handlers; the first registered keeps it", type);
            }
        }
    }

    void removeHandler(SocketHandler h, Map<String, Object> props) {
        for (String type : types(props)) {
            handlers.remove(type, h);
        }
    }

    private static List<String> types(Map<String, Object> props) {
        Object v = props.get(SocketHandler.TYPES);
        if (v instanceof String s) {
            return List.of(s);
        } else if (v instanceof String[] a) {
            return List.of(a);
        } else if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    RealtimeConfig config() {
        return config;
    }

    SocketHandler handler(String type) {
        return handlers.get(type);
    }

    /** The message types offered now: the handlers' and the protocol's own {@code ping}. */
    Set<String> types() {
        Set<String> t = new TreeSet<>(handlers.keySet());
        t.add("ping");
        return t;
    }

    /** A connection for a caller the handshake admitted. */
    Connection open(AuthenticatedUser user, Connection.Credentials credentials) {
        return new Connection(UUID.randomUUID().toString(), this, user, credentials, config.ratePerConnection());
    }

    void opened(Connection c) {
        if (!active) {
            c.close(Frames.CLOSE_GOING_AWAY, "The hub's realtime channel is stopping");
            return;
        }
        connections.put(c.id, c);
        counter("opened");
        AuthenticatedUser u = c.user();
        c.enqueue(Frames.event("welcome", null, null, Map.of("protocol", Frames.VERSION, "connectionId", c.id,
                "user", Map.of("username", u.username(), "displayName", u.displayName() == null ? u.username()
                        : u.displayName(), "roles", new TreeSet<>(u.roles())),
                "heartbeatSeconds", config.heartbeatSeconds(), "maxFrameBytes", config.maxFrameBytes(),
                "types", types())));
    }

    /** Whether the connection is still one of the hub's (not yet closed). */
    boolean isOpen(Connection c) {
        return connections.get(c.id) == c;
    }

    void closed(Connection c) {
        if (connections.remove(c.id) != null) {
            for (String topic : c.topics.keySet()) {
                unfollow(c, topic);
            }
            c.topics.clear();
            for (String key : java.util.List.copyOf(c.onClose.keySet())) {
                Runnable r = c.onClose.remove(key);
                if (r == null) {
                    continue;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("Connection {}: what {} does at its end failed: {}", c.id, key, e.toString());
                }
            }
        }
    }

    /** The connection's and its user's rate limits, both. */
    boolean admit(Connection c, Bucket own) {
        long now = System.nanoTime();
        Bucket perUser = users.computeIfAbsent(c.user().username(), u -> new Bucket(config.ratePerUser(), now));
        boolean ok = own.take(now) && perUser.take(now);
        if (!ok) {
            counter("rate_limited");
        }
        return ok;
    }

    AuthenticatedUser recheck(Connection.Credentials k) {
        return gate.admitHandshake(k.origin(), k.cookie(), k.authorization());
    }

    void follow(Connection c, String topic) {
        followers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(c);
    }

    void unfollow(Connection c, String topic) {
        followers.computeIfPresent(topic, (t, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    void later(Runnable r, int seconds) {
        if (active) {
            pool.schedule(r, seconds, TimeUnit.SECONDS);
        } else {
            r.run();
        }
    }

    void counter(String name) {
        counters.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    int connectionCount() {
        return connections.size();
    }

    private void tick() {
        long now = System.nanoTime();
        for (Connection c : connections.values()) {
            try {
                c.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("Heartbeat of connection {} failed: {}", c.id, e.toString());
            }
        }
        if (users.size() > 10_000) {
            users.clear(); // idle users' buckets; a live one gets a fresh, full bucket
        }
    }

    // ---- fan-out

    @Override
    public void publish(String topic, String type, Object data) {
        JsonNode json = data instanceof JsonNode n ? n : Frames.JSON.valueToTree(data);
        String text;
        try {
            text = Frames.JSON.writeValueAsString(json); // outside the lock: every sender on this node waits for it
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("An event that is not JSON: " + e.getMessage(), e);
        }
        synchronized (jmsLock) {
            if (producer != null) {
                try {
                    TextMessage m = producerSession.createTextMessage(text);
                    m.setStringProperty("topic", topic);
                    m.setStringProperty("type", type);
                    m.setStringProperty("node", node);
                    producer.send(m);
                    counter("published");
                    return;
                } catch (JMSException e) {
                    LOG.warn("Fan-out through the broker failed ({}); delivering on this node and reconnecting",
                            e.toString());
                    closeJms();
                    pool.schedule(this::connectJms, 1, TimeUnit.SECONDS);
                }
            }
        }
        counter("published_locally");
        deliver(topic, type, json);
    }

    @Override
    public AutoCloseable follow(String topic, TopicFollower.Listener listener) {
        serverFollowers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> serverFollowers.computeIfPresent(topic, (t, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Gives an event to this node's connections, and the hub's own listeners, that follow its topic. */
    void deliver(String topic, String type, JsonNode data) {
        Set<TopicFollower.Listener> own = serverFollowers.get(topic);
        if (own != null) {
            for (TopicFollower.Listener l : own) {
                try {
                    l.onEvent(type, data);
                } catch (RuntimeException e) {
                    LOG.warn("A listener of topic {} failed on {}: {}", topic, type, e.toString());
                }
            }
        }
        Set<Connection> set = followers.get(topic);
        if (set == null) {
            return;
        }
        for (Connection c : set) {
            c.deliver(topic, type, data);
        }
    }

    private void onJms(Message m) {
        try {
            String topic = m.getStringProperty("topic");
            String type = m.getStringProperty("type");
            if (topic == null || type == null || !(m instanceof TextMessage t)) {
                return;
            }
            deliver(topic, type, Frames.JSON.readTree(t.getText()));
        } catch (Exception e) {
            LOG.warn("A fan-out event could not be read: {}", e.toString());
        }
    }

    private void connectJms() {
        synchronized (jmsLock) {
            if (!active || producer != null) {
                return;
            }
            try {
                jms = jmsFactory.createConnection();
                jms.setExceptionListener(e -> {
                    LOG.warn("Fan-out broker connection lost ({}); reconnecting", e.toString());
                    synchronized (jmsLock) {
                        closeJms();
                    }
                    pool.schedule(this::connectJms, 1, TimeUnit.SECONDS);
                });
                Session consumerSession = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Topic topic = consumerSession.createTopic(JMS_TOPIC);
                consumerSession.createConsumer(topic).setMessageListener(this::onJms);
                producerSession = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                producer = producerSession.createProducer(topic);
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                jms.start();
                LOG.info("Realtime fan-out on topic {} (node {})", JMS_TOPIC, node);
            } catch (JMSException | RuntimeException e) {
                LOG.warn("Fan-out broker not reachable ({}); events reach this node's connections only until it is",
                        e.toString());
                closeJms();
                if (active) {
                    pool.schedule(this::connectJms, 2, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void closeJms() {
        producer = null;
        producerSession = null;
        if (jms != null) {
            try {
                jms.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing the fan-out connection: {}", e.toString());
            }
            jms = null;
        }
    }
}
