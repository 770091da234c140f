package org.telehub.integration.manager.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.integration.manager.internal.IntegrationShell;

/** {@code telehub:replay <id>}: starts a dead delivery over. */
@Service
@Command(scope = "telehub", name = "replay", description = "Queues a dead delivery again")
public class ReplayCommand implements Action {
    @Reference
    IntegrationShell integration;

    @Argument(index = 0, name = "id", description = "Delivery id (see telehub:deliveries)", required = true)
    String id;

    @Override
    public Object execute() {
        System.out.println(integration.replay(id));
        return null;
    }
}
