package org.telehub.core.encounter.internal.work;

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
public final class WorkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    private static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    /** Most messages one broker transaction carries. */
    private static final int BATCH = 500;

    private final String name;
    private final Connection connection;
    private final Session producerSession;
    private final MessageProducer producer;
    private final List<Session> consumers = new ArrayList<>();
    private final java.util.concurrent.LinkedBlockingQueue<Work> outbox = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread sender;
    private final java.util.concurrent.ScheduledExecutorService sweeper;
    private volatile boolean open = true;

    /**
     * @param handler called with each id a message brings (on one of {@code consumerCount} consumer threads)
     * @param lost called every {@code sweepSeconds}: recovers its rows and returns the ids whose message is lost
     *            (never sent, or the hub stopped before the broker had it); they are queued again
     */
    public WorkQueue(ConnectionFactory factory, String name, int consumerCount, Consumer<String> handler,
            java.util.function.Supplier<List<String>> lost, int sweepSeconds) throws JMSException {
        this.name = name;
        this.connection = factory.createConnection();
        try {
            // one transacted session, used by the sender thread only: a commit carries everything queued meanwhile
            producerSession = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = producerSession.createQueue(name);
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
        sender = new Thread(this::sendLoop, "telehub-" + name + "-sender");
        sender.setDaemon(true);
        sender.start();
        sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telehub-" + name + "-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                List<String> ids = lost.get();
                if (!ids.isEmpty()) {
                    LOG.info("{}: the sweeper queues {} again", name, ids.size());
                    send(ids.stream().map(id -> new Work(id, null)).toList());
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: sweep failed; next one in {} s", name, sweepSeconds, e);
            }
        }, sweepSeconds, sweepSeconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** An id and when it is due (null: now). */
    public record Work(String id, Instant due) {
    }

    /** Queues an id, delivered at {@code due} (at once if due is null or past). */
    public void send(String id, Instant due) {
        send(List.of(new Work(id, due)));
    }

    /**
     * Hands ids to the sender thread, which commits everything waiting in one broker transaction (one journal sync
     * for many requests). The caller's rows are committed already: should the hub stop before the broker has the
     * messages, the sweepers find the rows (due reminders and deliveries whose message never came) and queue them.
     */
    public void send(List<Work> work) {
        outbox.addAll(work);
    }

    private void sendLoop() {
        List<Work> batch = new ArrayList<>();
        while (open) {
            try {
                batch.add(outbox.take());
            } catch (InterruptedException e) {
                return;
            }
            outbox.drainTo(batch, BATCH - 1);
            try {
                for (Work w : batch) {
                    TextMessage m = producerSession.createTextMessage(w.id());
                    if (w.due() != null && w.due().toEpochMilli() > System.currentTimeMillis()) {
                        m.setLongProperty(SCHEDULED, w.due().toEpochMilli());
                    }
                    producer.send(m);
                }
                producerSession.commit();
            } catch (JMSException | RuntimeException e) {
                try {
                    producerSession.rollback();
                } catch (JMSException ignored) {
                    // broken session: the rows wait for the sweeper
                }
                if (open) {
                    LOG.warn("Could not queue {} message(s) on {} now ({}); the sweeper will", batch.size(), name,
                            e.getMessage());
                }
            }
            batch.clear();
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        open = false;
        sender.interrupt();
        try {
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.warn("Closing {} failed", name, e);
        }
    }
}
