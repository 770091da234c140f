package org.telehub.security.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.security.internal.AuditTrail;

/** {@code telehub:audit-verify}: walks the audit chain and compares it with the seal file; OK or the first break. */
@Service
@Command(scope = "telehub", name = "audit-verify", description = "Verifies the audit trail's hash chain and its"
        + " newest seal against the seal file; prints OK or the first broken link")
public class AuditVerifyCommand implements Action {
    @Reference
    AuditTrail trail;

    @Override
    public Object execute() {
        System.out.println(trail.report());
        return null;
    }
}
