package org.telehub.work;

import java.util.concurrent.ScheduledExecutorService;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Shared, named, bounded thread pools: a bundle takes a pool here instead of starting threads, so every thread of
 * the hub has a name that says whose it is ({@code telehub-<name>-<n>}), a bound, and an end. The service is
 * bundle-scoped: the pools a bundle asked for are shut down (interrupting their tasks) when it releases the
 * service, i.e. when the bundle stops or its component goes away. Blocking readers (MLLP sockets, media pipes) take
 * a pool sized for the connections they serve.
 */
@ProviderType
public interface TelehubExecutors {

    /**
     * The calling bundle's pool {@code name} with {@code size} threads, created on first use (a second call with the
     * same name returns the same pool, whatever the size). Threads are daemons, started as tasks arrive.
     *
     * @param name 1 to 120 of {@code [A-Za-z0-9._-]}
     * @param size 1 to 256
     */
    ScheduledExecutorService pool(String name, int size);
}
