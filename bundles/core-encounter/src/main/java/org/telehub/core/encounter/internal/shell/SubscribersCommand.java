package org.telehub.core.encounter.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.core.encounter.internal.event.EventFanOut;

/** {@code telehub:subscribers}: the encounter event subscribers on record and their waiting events. */
@Service
@Command(scope = "telehub", name = "subscribers", description = "Lists the encounter event subscribers on record")
public class SubscribersCommand implements Action {
    @Reference
    EventFanOut events;

    @Override
    public Object execute() {
        System.out.printf("%-40s %-26s %-13s %s%n", "SUBSCRIBER", "FIRST SEEN", "RUNS HERE", "WAITING");
        for (EventFanOut.Subscriber s : events.subscribers()) {
            System.out.printf("%-40s %-26s %-13s %d%n", s.name(), s.firstSeen(), s.runningHere() ? "yes" : "no",
                    s.waiting());
        }
        return null;
    }
}
