package org.telehub.integration.manager.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queueing half of deliveries, and nothing else: a persistent message per "attempt delivery {id} now" on the
 * target's own Artemis queue ({@value #QUEUE}{@code .<adapterId>}), delayed by the broker for retries; consumers
 * per target while its adapter is registered; a periodic sweep. What an attempt does, and what the rows say, is
 * {@link DeliveryService}'s. This is the part the shared durable work service replaces.
 */
final class DeliveryQueue implements AutoCloseable {
    static final String QUEUE = "telehub.integration.delivery";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    private static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    private final Connection connection;
    private final Session producerSession;
    private final MessageProducer producer;
    private final ScheduledExecutorService sweeper;
    private final Consumer<String> attempt;
    private final int consumersPerSystem;
    /** Consumer sessions per target adapter id, with how many adapter services hold that id. */
    private final Map<String, List<Session>> consumers = new HashMap<>();
    private final Map<String, Integer> bound = new HashMap<>();

    /**
     * @param attempt called with a delivery id on a consumer's thread; must not throw
     * @param sweep run every {@code sweepSeconds}
     */
    DeliveryQueue(ConnectionFactory factory, int consumersPerSystem, Consumer<String> attempt, Runnable sweep,
            int sweepSeconds) throws JMSException {
        this.attempt = attempt;
        this.consumersPerSystem = consumersPerSystem;
        this.connection = factory.createConnection();
        try {
            producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = producerSession.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            connection.start();
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telehub-delivery-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(sweep, 1, sweepSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.warn("Closing the delivery connection failed", e);
        }
    }

    static String queue(String adapterId) {
        return QUEUE + "." + adapterId;
    }

    /** A target's adapter registered: consume its queue (once per id, however many services claim it). */
    void open(String adapterId) {
        synchronized (consumers) {
            if (bound.merge(adapterId, 1, Integer::sum) == 1) {
                List<Session> sessions = new ArrayList<>();
                try {
                    for (int i = 0; i < consumersPerSystem; i++) {
                        // one session per consumer: each delivers on its own thread
                        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        s.createConsumer(s.createQueue(queue(adapterId))).setMessageListener(this::onMessage);
                        sessions.add(s);
                    }
                } catch (JMSException e) {
                    // the deliveries wait; the sweeper keeps them due, and the next registration tries again
                    LOG.error("Cannot consume deliveries for '{}': {}", adapterId, e.getMessage());
                }
                consumers.put(adapterId, sessions);
            }
        }
    }

    /** A target's adapter left: stop consuming once no service holds its id; its messages wait in the queue. */
    void close(String adapterId) {
        List<Session> sessions = null;
        synchronized (consumers) {
            if (bound.merge(adapterId, -1, Integer::sum) <= 0) {
                bound.remove(adapterId);
                sessions = consumers.remove(adapterId);
            }
        }
        // outside the lock: closing waits for a listener that is in the middle of a delivery
        if (sessions != null) {
            for (Session s : sessions) {
                try {
                    s.close();
                } catch (JMSException e) {
                    LOG.debug("closing a delivery session of {}", adapterId, e);
                }
            }
        }
    }

    /** Asks for an attempt of delivery {@code id} after {@code delayMillis}; a failure is left to the sweeper. */
    void enqueue(String id, String adapterId, long delayMillis) {
        try {
            synchronized (producer) {
                TextMessage m = producerSession.createTextMessage(id);
                if (delayMillis > 0) {
                    m.setLongProperty(SCHEDULED, System.currentTimeMillis() + delayMillis);
                }
                producer.send(producerSession.createQueue(queue(adapterId)), m);
            }
        } catch (JMSException e) {
            // the row is committed; the sweeper queues it again once the broker is back
            LOG.warn("Could not queue delivery {} now: {}", id, e.getMessage());
        }
    }

    private void onMessage(Message m) {
        String id;
        try {
            id = ((TextMessage) m).getText();
        } catch (JMSException | ClassCastException e) {
            LOG.warn("Ignoring a malformed delivery message", e);
            return;
        }
        attempt.accept(id);
    }
}
