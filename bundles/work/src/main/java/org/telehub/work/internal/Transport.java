package org.telehub.work.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * How wake-ups travel: "look at these rows (at that time)". Production: {@link ArtemisTransport}, persistent and
 * scheduled messages on one queue per topic. Nothing here is the truth; a lost wake-up is found by the sweeper.
 */
interface Transport extends AutoCloseable {

    /** Item {@code id} of {@code topic} may run at {@code due} (null or past: now). */
    record Wake(String topic, String id, Instant due) {
    }

    /** Runs the items a wake-up names; returns the wake-ups that follow (retries, next heads of keys). */
    interface Receiver {
        List<Wake> receive(String topic, List<String> ids);
    }

    /** Sends wake-ups after a commit: asynchronous, batched; never throws (the sweeper covers a failure). */
    void send(List<Wake> wakes);

    /**
     * Starts {@code consumers} receivers of {@code topic} on {@code pool}; each delivers wake-ups to {@code receiver}
     * and sends the follow-ups it returns together with the acknowledgement.
     *
     * @return stops them; wake-ups not yet taken stay for the next consumer, on this node or another
     */
    AutoCloseable consume(String topic, int consumers, int batch, Receiver receiver, ExecutorService pool);

    @Override
    void close();
}
