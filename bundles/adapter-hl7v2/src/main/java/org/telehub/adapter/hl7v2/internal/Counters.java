package org.telehub.adapter.hl7v2.internal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What an adapter instance counts since it started, for its health and the shell. */
final class Counters {
    final AtomicLong received = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong notStored = new AtomicLong();
    /** Connections closed for a broken frame: bytes outside a frame, no end block, a stall mid-message. */
    final AtomicLong brokenConnections = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicReference<Instant> lastMessage = new AtomicReference<>();

    void received() {
        received.incrementAndGet();
        lastMessage.set(Instant.now());
    }

    void accepted() {
        accepted.incrementAndGet();
    }

    void duplicate() {
        duplicates.incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
    }

    void failed() {
        notStored.incrementAndGet();
    }

    String summary() {
        return "received " + received + ", accepted " + accepted + ", duplicates " + duplicates + ", rejected "
                + rejected + ", not stored " + notStored + ", broken connections " + brokenConnections;
    }
}
