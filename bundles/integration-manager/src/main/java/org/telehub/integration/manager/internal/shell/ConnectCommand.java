package org.telehub.integration.manager.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.integration.manager.internal.IntegrationShell;

/** {@code telehub:connect <id>|--all}. */
@Service
@Command(scope = "telehub", name = "connect", description = "Connects one adapter, or all of them")
public class ConnectCommand implements Action {
    @Reference
    IntegrationShell integration;

    @Argument(index = 0, name = "id", description = "Adapter id (see telehub:adapters)", required = false)
    String id;

    @Option(name = "--all", description = "Connect every adapter")
    boolean all;

    @Override
    public Object execute() {
        System.out.println(integration.connectCommand(id, all, true));
        return null;
    }
}
