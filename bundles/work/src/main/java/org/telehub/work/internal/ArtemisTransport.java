package org.telehub.work.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
final class ArtemisTransport implements Transport {
    static final String PREFIX = "telehub.work.";
    private static final Logger LOG = LoggerFactory.getLogger(ArtemisTransport.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";
    /** Most wake-ups one broker transaction carries. */
    private static final int SEND_BATCH = 2000;

    private final Connection connection;
    private final Session producerSession;
    private final MessageProducer producer;
    private final LinkedBlockingQueue<Wake> outbox = new LinkedBlockingQueue<>();
    private final int idsPerMessage;
    private volatile boolean open = true;

    ArtemisTransport(ConnectionFactory factory, ExecutorService senderThread, int idsPerMessage) throws JMSException {
        this.idsPerMessage = idsPerMessage;
        this.connection = factory.createConnection();
        try {
            producerSession = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = producerSession.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            connection.start();
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
        senderThread.execute(this::sendLoop);
    }

    @Override
    public void send(List<Wake> wakes) {
        outbox.addAll(wakes);
    }

    private void sendLoop() {
        List<Wake> batch = new ArrayList<>();
        while (open) {
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
            try {
                write(producerSession, producer, batch, idsPerMessage);
                producerSession.commit();
            } catch (JMSException | RuntimeException e) {
                try {
                    producerSession.rollback();
                } catch (JMSException ignored) {
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
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Session s;
            MessageConsumer c;
            MessageProducer follow;
            try {
                s = connection.createSession(true, Session.SESSION_TRANSACTED);
                c = s.createConsumer(s.createQueue(PREFIX + topic));
                follow = s.createProducer(null);
                follow.setDeliveryMode(DeliveryMode.PERSISTENT);
            } catch (JMSException e) {
                LOG.error("Cannot consume work of '{}': {}; the sweeper keeps its items due", topic, e.getMessage());
                break;
            }
            sessions.add(s);
            pool.execute(() -> consumeLoop(topic, s, c, follow, batch, receiver));
        }
        return () -> {
            for (Session s : sessions) {
                try {
                    s.close(); // the one JMS call allowed from another thread: ends a blocked receive
                } catch (JMSException e) {
                    LOG.debug("closing a work session of {}", topic, e);
                }
            }
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
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.warn("Closing the work connection failed", e);
        }
    }
}
