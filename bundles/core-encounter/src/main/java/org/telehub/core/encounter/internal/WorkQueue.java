package org.telehub.core.encounter.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable Artemis queue of row ids: a message says "look at this row (then)". Persistent messages, scheduled with
 * the broker's delayed delivery, so work survives restarts and is taken by whichever node's consumer is free. The
 * row is always the truth; a lost or duplicate message changes nothing (the handler claims the row first).
 */
final class WorkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    private static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    private final String name;
    private final Connection connection;
    private final Session producerSession;
    private final MessageProducer producer;
    private final Queue queue;
    private final List<Session> consumers = new ArrayList<>();

    WorkQueue(ConnectionFactory factory, String name, int consumerCount, Consumer<String> handler) throws JMSException {
        this.name = name;
        this.connection = factory.createConnection();
        try {
            producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            queue = producerSession.createQueue(name);
            producer = producerSession.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < consumerCount; i++) {
                Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createConsumer(s.createQueue(name)).setMessageListener(m -> {
                    String id;
                    try {
                        id = ((TextMessage) m).getText();
                    } catch (JMSException | ClassCastException e) {
                        LOG.warn("Ignoring a malformed message on {}", name, e);
                        return;
                    }
                    try {
                        handler.accept(id);
                    } catch (RuntimeException e) {
                        // the row stays as it is and the sweeper finds it; a listener must never die
                        LOG.error("{}: processing {} failed; it will be retried", name, id, e);
                    }
                });
                consumers.add(s);
            }
            connection.start();
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Queues an id, delivered at {@code due} (at once if due is null or past). False if the broker refused. */
    boolean send(String id, Instant due) {
        try {
            synchronized (producer) {
                TextMessage m = producerSession.createTextMessage(id);
                if (due != null && due.toEpochMilli() > System.currentTimeMillis()) {
                    m.setLongProperty(SCHEDULED, due.toEpochMilli());
                }
                producer.send(m);
            }
            return true;
        } catch (JMSException e) {
            // committed work is found again by the sweeper
            LOG.warn("Could not queue {} on {} now: {}", id, name, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.warn("Closing {} failed", name, e);
        }
    }
}
