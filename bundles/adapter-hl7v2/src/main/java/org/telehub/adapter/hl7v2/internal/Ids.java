package org.telehub.adapter.hl7v2.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Row ids of the message store: random version-4 UUIDs from {@link ThreadLocalRandom}. {@link UUID#randomUUID()}
 * draws from one shared {@code SecureRandom}, and at a few thousand messages a second its lock was where the
 * connections' threads waited; these ids name rows, they guard nothing.
 */
final class Ids {
    String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
