package org.telehub.core.encounter.internal.event;

import org.jdbi.v3.core.Handle;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.internal.encounter.Encounter;

/**
 * The one seam between an appended encounter event and what follows from it. Called in the change's transaction,
 * right after the event row is written, with the encounter as the change left it.
 *
 * <p>Today ({@link DirectPublisher}) it calls the module's own subscribers, reminders and portal webhooks, which
 * write their rows in this transaction and queue their messages after the commit. With the durable work service it
 * becomes one {@code WorkService.submit(tx, …)} per registered subscriber, and nothing else in the encounter code
 * changes.
 */
public interface EventPublisher {

    /**
     * @return what to do once the transaction has committed (never run if it rolls back)
     */
    Runnable publish(Handle tx, EncounterEvent event, Encounter current);
}
