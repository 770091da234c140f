package org.telehub.integration.manager.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.telehub.integration.manager.internal.DeliveryService;
import org.telehub.integration.manager.internal.IntegrationShell;

/** {@code telehub:deliveries [--state S]}: the newest deliveries. */
@Service
@Command(scope = "telehub", name = "deliveries", description = "Lists deliveries of results to external systems")
public class DeliveriesCommand implements Action {
    @Reference
    IntegrationShell integration;

    @Option(name = "--state", description = "queued, in_flight, delivered, retrying or dead")
    String state;

    @Option(name = "--limit", description = "How many, newest first")
    int limit = 50;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String c : new String[] {"ID", "Adapter", "Patient", "State", "Attempts", "Next attempt", "Last error"}) {
            table.column(c);
        }
        for (DeliveryService.DeliveryView d : integration.deliveries(state, limit)) {
            table.addRow().addContent(d.id(), d.adapterId(), d.patientId(), d.state(), d.attempts(),
                    d.nextAttemptAt(), d.lastError() == null ? "" : d.lastError());
        }
        table.print(System.out);
        return null;
    }
}
