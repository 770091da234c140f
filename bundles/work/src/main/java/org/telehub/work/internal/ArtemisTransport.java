package org.telehub.work.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake-ups as persistent Artemis messages on {@value #PREFIX}{@code <topic>}; a message carries up to
 * {@code batch} item ids (newline-separated) with one due time, scheduled by the broker
 * ({@value #SCHEDULED}) when it lies ahead, so scheduled work and retries survive restarts and run on any node.
 *
 * <p>Sending: one thread drains everything queued meanwhile into one transacted session commit (one journal sync for
 * many submits; a submitter never waits for the broker). Receiving: each consumer has its own transacted session;
 * the follow-ups of a message (retries, next items of a key) are sent in the same broker transaction that
 * acknowledges it. A consumer never rolls back: a failure leaves rows the sweeper finds, and broker redelivery
 * would only count towards the dead-letter address, which the rows do not need.
 *
 * <p>The broker may be unreachable when this starts (the embedded broker still starting, an external one down) or
 * go away later: nothing here fails for that. The sender thread (re)connects with a growing pause (up to
 * {@value #MAX_RECONNECT_MILLIS} ms), starts the consumers of every topic again on the new connection, and drops the
 * wake-ups it could not send meanwhile: the rows are the truth and the sweeper wakes what is due.
 */
final class ArtemisTransport implements Transport {
    static final String PREFIX = "telehub.work.";
    private static final Logger LOG = LoggerFactory.getLogger(ArtemisTransport.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";
    /** Most wake-ups one broker transaction carries. */
    private static final int SEND_BATCH = 2000;

    static final long MAX_RECONNECT_MILLIS = 5000;

    private final ConnectionFactory factory;
    private final LinkedBlockingQueue<Wake> outbox = new LinkedBlockingQueue<>();
    private final int idsPerMessage;
    /** Every topic being consumed, started again on each new connection. */
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    /** The live connection and the sender's session on it; null while the broker is unreachable. */
    private Connection connection;
    private Session producerSession;
    private MessageProducer producer;

    /** One topic's consumers: what to start on a connection, and the sessions on the current one. */
    private final class Subscription {
        final String topic;
        final int consumers;
        final int batch;
        final Receiver receiver;
        final ExecutorService pool;
        final List<Session> sessions = new ArrayList<>();
        boolean closed;

        Subscription(String topic, int consumers, int batch, Receiver receiver, ExecutorService pool) {
            this.topic = topic;
            this.consumers = consumers;
            this.batch = batch;
            this.receiver = receiver;
            this.pool = pool;
        }

        synchronized void start(Connection c) {
            if (closed) {
                return;
            }
            for (int i = 0; i < consumers; i++) {
                try {
                    Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer mc = s.createConsumer(s.createQueue(PREFIX + topic));
                    MessageProducer follow = s.createProducer(null);
                    follow.setDeliveryMode(DeliveryMode.PERSISTENT);
                    sessions.add(s);
                    pool.execute(() -> consumeLoop(topic, s, mc, follow, batch, receiver));
                } catch (JMSException | RuntimeException e) {
                    LOG.error("Cannot consume work of '{}': {}; the sweeper keeps its items due", topic, e.getMessage());
                    return;
                }
            }
        }

        synchronized void stop() {
            for (Session s : sessions) {
                try {
                    s.close(); // the one JMS call allowed from another thread: ends a blocked receive
                } catch (JMSException | RuntimeException e) {
                    LOG.debug("closing a work session of {}", topic, e);
                }
            }
            sessions.clear();
        }
    }

    /** Never fails for an unreachable broker: the sender thread connects as soon as it can. */
    ArtemisTransport(ConnectionFactory factory, ExecutorService senderThread, int idsPerMessage) {
        this.factory = factory;
        this.idsPerMessage = idsPerMessage;
        senderThread.execute(this::sendLoop);
    }

    /** Connects if not connected; false if the broker cannot be reached now. */
    private boolean connected() {
        synchronized (this) {
            if (connection != null) {
                return true;
            }
        }
        Connection c = null;
        try {
            c = factory.createConnection();
            Session ps = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = ps.createProducer(null);
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            Connection mine = c;
            c.setExceptionListener(e -> broken(mine, e));
            c.start();
            synchronized (this) {
                if (!open) {
                    c.close();
                    return false;
                }
                connection = c;
                producerSession = ps;
                producer = p;
            }
            for (Subscription sub : subscriptions) {
                sub.start(c);
            }
            return true;
        } catch (JMSException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (JMSException | RuntimeException ignored) {
                    // already unusable
                }
            }
            return false;
        }
    }

    /** The broker connection failed: drop it; the sender thread connects again and restarts the consumers. */
    private void broken(Connection c, Exception e) {
        synchronized (this) {
            if (connection != c) {
                return;
            }
            connection = null;
            producerSession = null;
            producer = null;
        }
        if (open) {
            LOG.warn("The broker connection of the work service failed ({}); reconnecting", e.getMessage());
        }
        for (Subscription sub : subscriptions) {
            sub.stop();
        }
        try {
            c.close();
        } catch (JMSException | RuntimeException ignored) {
            // already broken
        }
    }

    @Override
    public void send(List<Wake> wakes) {
        outbox.addAll(wakes);
    }

    private void sendLoop() {
        List<Wake> batch = new ArrayList<>();
        long pause = 100;
        boolean reported = false;
        while (open) {
            if (!connected()) {
                // wake-ups sent meanwhile are dropped: the rows wait, and the sweeper wakes what is due
                int dropped = outbox.size();
                outbox.clear();
                if (!reported) {
                    LOG.warn("The work service cannot reach the broker; retrying (items wait in the database{})",
                            dropped > 0 ? ", " + dropped + " wake-ups left to the sweeper" : "");
                    reported = true;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
                pause = Math.min(MAX_RECONNECT_MILLIS, pause * 2);
                continue;
            }
            if (reported) {
                LOG.info("The work service is connected to the broker again");
                reported = false;
            }
            pause = 100;
            try {
                Wake first = outbox.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            outbox.drainTo(batch, SEND_BATCH - 1);
            Session ps;
            MessageProducer p;
            synchronized (this) {
                ps = producerSession;
                p = producer;
            }
            try {
                if (ps == null) {
                    throw new JMSException("not connected");
                }
                write(ps, p, batch, idsPerMessage);
                ps.commit();
            } catch (JMSException | RuntimeException e) {
                try {
                    if (ps != null) {
                        ps.rollback();
                    }
                } catch (JMSException | RuntimeException ignored) {
                    // a broken session: the rows wait for the sweeper
                }
                if (open) {
                    LOG.warn("Could not send {} wake-up(s) now ({}); the sweeper will", batch.size(), e.getMessage());
                }
            }
            batch.clear();
        }
    }

    /** One message per (topic, due time) and at most {@code per} ids. */
    static void write(Session s, MessageProducer p, List<Wake> wakes, int per) throws JMSException {
        long now = System.currentTimeMillis();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Wake w : wakes) {
            long due = w.due() == null || w.due().toEpochMilli() <= now ? 0 : w.due().toEpochMilli();
            groups.computeIfAbsent(w.topic() + "\n" + due, k -> new ArrayList<>()).add(w.id());
        }
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            String topic = g.getKey().substring(0, g.getKey().indexOf('\n'));
            long due = Long.parseLong(g.getKey().substring(g.getKey().indexOf('\n') + 1));
            List<String> ids = g.getValue();
            for (int i = 0; i < ids.size(); i += per) {
                TextMessage m = s.createTextMessage(String.join("\n", ids.subList(i, Math.min(ids.size(), i + per))));
                if (due > 0) {
                    m.setLongProperty(SCHEDULED, due);
                }
                p.send(s.createQueue(PREFIX + topic), m);
            }
        }
    }

    @Override
    public AutoCloseable consume(String topic, int consumers, int batch, Receiver receiver, ExecutorService pool) {
        Subscription sub = new Subscription(topic, consumers, batch, receiver, pool);
        subscriptions.add(sub);
        Connection c;
        synchronized (this) {
            c = connection;
        }
        if (c != null) {
            sub.start(c); // else the sender thread starts it when it connects
        }
        return () -> {
            subscriptions.remove(sub);
            synchronized (sub) {
                sub.closed = true;
            }
            sub.stop();
        };
    }

    private void consumeLoop(String topic, Session s, MessageConsumer c, MessageProducer follow, int batch,
            Receiver receiver) {
        while (open && !Thread.currentThread().isInterrupted()) {
            Message m;
            try {
                m = c.receive(1000);
            } catch (JMSException | RuntimeException e) {
                return; // closed
            }
            if (m == null) {
                continue;
            }
            List<String> ids = new ArrayList<>();
            try {
                ids.addAll(List.of(((TextMessage) m).getText().split("\n")));
                // more wake-ups already waiting join this claim, up to the topic's batch
                while (ids.size() < batch) {
                    Message more = c.receiveNoWait();
                    if (more == null) {
                        break;
                    }
                    ids.addAll(List.of(((TextMessage) more).getText().split("\n")));
                }
            } catch (JMSException | ClassCastException e) {
                LOG.warn("Ignoring a malformed wake-up on {}", topic, e);
            }
            List<Wake> next = List.of();
            try {
                next = receiver.receive(topic, ids);
            } catch (RuntimeException e) {
                // rows unchanged or half-finished: the sweeper finds them; a consumer must never die
                LOG.error("Work of '{}' could not be processed; the sweeper will retry it", topic, e);
            }
            try {
                write(s, follow, next, idsPerMessage);
                s.commit();
            } catch (JMSException | RuntimeException e) {
                if (!open) {
                    return;
                }
                LOG.warn("Acknowledging work of '{}' failed ({}); the sweeper covers it", topic, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        open = false;
        Connection c;
        synchronized (this) {
            c = connection;
            connection = null;
        }
        if (c != null) {
            try {
                c.close();
            } catch (JMSException e) {
                LOG.warn("Closing the work connection failed", e);
            }
        }
    }
}
