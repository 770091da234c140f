package org.telehub.integration.manager.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.integration.manager.internal.IntegrationShell;

/** {@code telehub:adapters}: every adapter the hub sees, with its state and last error. */
@Service
@Command(scope = "telehub", name = "adapters", description = "Lists the adapters the Integration Manager sees")
public class AdaptersCommand implements Action {
    @Reference
    IntegrationShell integration;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Type");
        table.column("Vendor");
        table.column("Product");
        table.column("Version");
        table.column("State");
        table.column("Last error");
        for (IntegrationService.AdapterStatus s : integration.status()) {
            table.addRow().addContent(s.id(), s.systemType(), s.vendor(), s.product(), s.adapterVersion(),
                    s.conflict() ? "CONFLICT" : s.state(), s.lastError() == null ? "" : s.lastError());
        }
        table.print(System.out);
        return null;
    }
}
