package org.telehub.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Which failures are a dependency being down (503 naming it) and which are bugs or bad input (not 503). */
class OutageTest {

    @Test
    void connectionFailuresAnywhereInTheChainAreTheDatabase() {
        assertEquals("database", ProblemMapper.outage(new IllegalStateException("wrapped",
                new SQLException("An I/O error occurred while sending to the backend.", "08006"))));
        assertEquals("database", ProblemMapper.outage(new RuntimeException(
                new SQLException("terminating connection due to administrator command", "57P01"))));
        assertEquals("database", ProblemMapper.outage(new SQLException("Cannot create PoolableConnectionFactory",
                new SQLException("FATAL: database \"x\" is not currently accepting connections", "55000"))));
        assertEquals("database", ProblemMapper.outage(new java.sql.SQLTransientConnectionException("pool exhausted")));
    }

    @Test
    void brokerFailuresAreTheBroker() {
        assertEquals("broker", ProblemMapper.outage(new RuntimeException(new javax.jms.JMSException("AMQ219007"))));
        assertEquals("broker", ProblemMapper.outage(new javax.jms.IllegalStateRuntimeException("closed")));
    }

    @Test
    void constraintViolationsAndBugsAreNotOutages() {
        assertNull(ProblemMapper.outage(new SQLException("duplicate key", "23505")));
        assertNull(ProblemMapper.outage(new SQLException("lock not available", "55P03")));
        assertNull(ProblemMapper.outage(new NullPointerException()));
    }
}
