package org.telehub.core.encounter.internal.event;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.portal.Webhooks;
import org.telehub.core.encounter.internal.reminder.Reminders;

/**
 * Today's {@link EventPublisher}: the module's own subscribers, called in the change's transaction exactly as the
 * encounter code called them before events existed (reminder rows and webhook deliveries commit with the change;
 * their broker messages go out after the commit). The next step replaces this class by one that submits a work
 * item per subscriber to the durable work service.
 */
@Component(service = EventPublisher.class)
public class DirectPublisher implements EventPublisher {
    private final Reminders reminders;
    private final Webhooks webhooks;

    @Activate
    public DirectPublisher(@Reference Reminders reminders, @Reference Webhooks webhooks) {
        this.reminders = reminders;
        this.webhooks = webhooks;
    }

    @Override
    public Runnable publish(Handle tx, EncounterEvent event, Encounter current) {
        Runnable r = reminders.onEvent(tx, event, current);
        Runnable w = webhooks.onEvent(tx, event, current);
        return () -> {
            r.run();
            w.run();
        };
    }
}
