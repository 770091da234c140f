package org.telehub.adapter.hl7v2.internal.shell;

import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.telehub.adapter.hl7v2.internal.Messages;
import org.telehub.domain.DomainException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** {@code telehub:hl7 list|show|replay}: the HL7 v2 message store from the Karaf shell (administrators only). */
@Service
@Command(scope = "telehub", name = "hl7", description = "HL7 v2 messages: [filters] list, show <id>, replay <id> "
        + "(options before the action)")
public class Hl7Command implements Action {
    /** Karaf's shell is administrators' only: the audit names the shell as the actor. */
    private static final AuthenticatedUser SHELL = new AuthenticatedUser(0, "shell", "Karaf shell",
            Set.of(Roles.ADMIN));

    @Reference
    Messages messages;

    @Argument(index = 0, name = "action", description = "list, show or replay", required = true)
    String action;

    @Argument(index = 1, name = "id", description = "Message id (show, replay)")
    String id;

    @Option(name = "--adapter", description = "Only this interface")
    String adapter;

    @Option(name = "--patient", description = "The sender's patient identifier or a local patient id")
    String patient;

    @Option(name = "--type", description = "e.g. ADT or ADT^A04")
    String type;

    @Option(name = "--control-id", description = "MSH-10")
    String controlId;

    @Option(name = "--state", description = "queued, processed, failed or rejected")
    String state;

    @Option(name = "--limit", description = "At most this many (1 to 500)")
    Integer limit;

    @Override
    public Object execute() {
        try {
            switch (action) {
                case "list" -> messages.search(SHELL, new Messages.Search(adapter, patient, type, controlId, state,
                        null, null, limit == null ? 50 : limit)).forEach(s -> System.out.println(String.join("  ",
                                s.id(), String.valueOf(s.receivedAt()), s.adapterId(), s.direction(),
                                String.valueOf(s.messageType()), String.valueOf(s.controlId()), s.state(),
                                String.valueOf(s.ackCode()), s.error() == null ? "" : s.error())));
                case "show" -> {
                    Messages.MessageDetail d = messages.get(SHELL, required());
                    System.out.println(d.summary().messageType() + " " + d.summary().controlId() + " from "
                            + d.summary().sendingApplication() + "/" + d.summary().sendingFacility() + ": "
                            + d.summary().state() + (d.summary().error() == null ? "" : " (" + d.summary().error()
                                    + ")"));
                    d.segments().forEach(seg -> System.out.println(seg.name() + "  " + String.join(" | ",
                            seg.fields())));
                    System.out.println("ACK: " + (d.ack() == null ? "none" : d.ack().replace('\r', '\n')));
                }
                case "replay" -> System.out.println(messages.replay(SHELL, required()).id() + ": queued again");
                default -> throw new IllegalArgumentException("action: list, show or replay");
            }
        } catch (DomainException e) {
            throw new IllegalArgumentException(e.field() == null ? e.detail() : "--" + e.field() + ": " + e.detail(),
                    e);
        }
        return null;
    }

    private String required() {
        if (id == null) {
            throw new IllegalArgumentException("give the message id (telehub:hl7 list shows them)");
        }
        return id;
    }

}
