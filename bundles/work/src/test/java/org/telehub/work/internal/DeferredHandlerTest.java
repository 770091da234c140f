package org.telehub.work.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkState;

/** A bound handler is not created by binding it (the start-up cycle), only by its first item, and is released. */
class DeferredHandlerTest {
    private final AtomicInteger got = new AtomicInteger();
    private final AtomicInteger ungot = new AtomicInteger();
    private final WorkHandler real = item -> Verdict.done();
    private final ComponentServiceObjects<WorkHandler> objects = new ComponentServiceObjects<>() {
        @Override
        public WorkHandler getService() {
            got.incrementAndGet();
            return real;
        }

        @Override
        public void ungetService(WorkHandler service) {
            assertEquals(real, service);
            ungot.incrementAndGet();
        }

        @Override
        public ServiceReference<WorkHandler> getServiceReference() {
            throw new UnsupportedOperationException();
        }
    };

    private static WorkItem item() {
        return new WorkItem("i1", "t", null, null, WorkState.RUNNING, 1, Instant.now(), null, null, Instant.now(),
                Instant.now(), null);
    }

    @Test
    void takenOnFirstItemOnceAndReleased() throws Exception {
        WorkComponent.Deferred d = new WorkComponent.Deferred(objects);
        assertEquals(0, got.get(), "binding creates nothing");
        assertEquals(Verdict.Outcome.DONE, d.handle(item()).outcome());
        assertEquals(Verdict.Outcome.DONE, d.handle(item()).outcome());
        assertEquals(1, got.get());
        d.release();
        assertEquals(1, ungot.get());
        assertThrows(IllegalStateException.class, () -> d.handle(item()));
        d.release();
        assertEquals(1, ungot.get(), "released once");
    }

    @Test
    void neverUsedIsNeverGot() {
        WorkComponent.Deferred d = new WorkComponent.Deferred(objects);
        d.release();
        assertEquals(0, got.get());
        assertEquals(0, ungot.get());
    }
}
