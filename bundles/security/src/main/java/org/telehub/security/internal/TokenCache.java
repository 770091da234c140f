package org.telehub.security.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens found valid in the last few seconds, so a busy client's requests do not each read {@code auth_token}
 * (one pool borrow and query per request; with a booking's own work that was a sixth of its statements). A
 * logout or password change on this node takes effect at once; on another node of a cluster within the cache
 * time (configuration {@code tokenCacheSeconds}, 0 turns the cache off). An entry never outlives its token.
 *
 * <p>Keyed by the token's SHA-256 (as stored in the database), so the map holds no usable token. Bounded: at
 * {@link #MAX} entries it is emptied (a flood of distinct valid tokens costs a database read each, as without
 * the cache; invalid tokens are never cached).
 */
final class TokenCache {
    static final int MAX = 10_000;

    private record Entry(UserStore.TokenCheck.Valid valid, Instant until) {
    }

    private final Duration keep;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    TokenCache(Duration keep) {
        this.keep = keep;
    }

    Optional<UserStore.TokenCheck.Valid> get(String digest, Instant now) {
        Entry e = entries.get(digest);
        if (e == null) {
            return Optional.empty();
        }
        if (!e.until().isAfter(now)) {
            entries.remove(digest, e);
            return Optional.empty();
        }
        return Optional.of(e.valid());
    }

    void put(String digest, UserStore.TokenCheck.Valid valid, Instant now) {
        if (keep.isZero()) {
            return;
        }
        if (entries.size() >= MAX) {
            entries.clear();
        }
        Instant until = now.plus(keep);
        entries.put(digest, new Entry(valid, until.isBefore(valid.expiresAt()) ? until : valid.expiresAt()));
    }

    void remove(String digest) {
        entries.remove(digest);
    }

    /** After a change to any account (password, roles, disabled): its tokens must be checked again. */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
