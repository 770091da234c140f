package org.telehub.core.encounter.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.core.encounter.internal.event.EventFanOut;

/** {@code telehub:subscriber-retire <name>}: no more encounter events for a subscriber removed for good. */
@Service
@Command(scope = "telehub", name = "subscriber-retire", description = "Retires an encounter event subscriber whose"
        + " bundle was removed for good: cancels its waiting events and sends it no more")
public class SubscriberRetireCommand implements Action {
    @Reference
    EventFanOut events;

    @Argument(index = 0, name = "name", description = "Subscriber name (see telehub:subscribers)", required = true)
    String name;

    @Override
    public Object execute() {
        try {
            System.out.println(events.retire(name).map(n -> "Retired '" + name + "'; " + n + " waiting event(s)"
                    + " cancelled").orElse("No subscriber '" + name + "'"));
        } catch (IllegalStateException e) {
            System.out.println("Refused: " + e.getMessage());
        }
        return null;
    }
}
