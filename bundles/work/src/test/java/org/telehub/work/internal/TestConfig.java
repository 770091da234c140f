package org.telehub.work.internal;

import java.lang.annotation.Annotation;

/** A {@link WorkConfig} with test timings (seconds, not minutes). */
final class TestConfig implements WorkConfig {
    int sweepSeconds = 1;
    int leaseSeconds = 2;
    int lostAfterSeconds = 60;
    int consumers = 4;
    long backoffInitialMillis = 100;
    double jitter = 0;

    @Override
    public Class<? extends Annotation> annotationType() {
        return WorkConfig.class;
    }

    @Override
    public int sweepSeconds() {
        return sweepSeconds;
    }

    @Override
    public int leaseSeconds() {
        return leaseSeconds;
    }

    @Override
    public int lostAfterSeconds() {
        return lostAfterSeconds;
    }

    @Override
    public int keepFinishedHours() {
        return 72;
    }

    @Override
    public int maxPayloadChars() {
        return 1000;
    }

    @Override
    public int idsPerMessage() {
        return 50;
    }

    @Override
    public int consumers() {
        return consumers;
    }

    @Override
    public int batch() {
        return 20;
    }

    @Override
    public int maxAttempts() {
        return 5;
    }

    @Override
    public long backoffInitialMillis() {
        return backoffInitialMillis;
    }

    @Override
    public long backoffMaxMillis() {
        return 2000;
    }

    @Override
    public double jitter() {
        return jitter;
    }
}
