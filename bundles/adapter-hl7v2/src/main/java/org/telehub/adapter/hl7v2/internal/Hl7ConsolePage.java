package org.telehub.adapter.hl7v2.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.DomainException;
import org.telehub.integration.console.ConsoleGuard;
import org.telehub.security.AuthenticatedUser;

/**
 * The "HL7 v2 messages" page of the Karaf web console ({@code /system/console/telehub-hl7}) for clinic IT: the
 * latest messages of every interface, in and out, filtered by interface, patient identifier, type, control id and
 * state; one message with its segments, its text as received and its ACK; replay of a processed or failed inbound
 * one. Everything goes through {@link Messages}, so every list, read and replay is audited with the administrator's
 * name, as through the REST API; forms carry the console session's token ({@link ConsoleGuard}); everything shown
 * is HTML-escaped (messages come from other systems).
 */
@Component(service = Servlet.class, property = {"felix.webconsole.label=" + Hl7ConsolePage.LABEL,
        "felix.webconsole.title=HL7 v2 messages", "felix.webconsole.category=Telehub"})
public class Hl7ConsolePage extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "telehub-hl7";
    private static final String FLASH = "org.telehub.console.hl7.flash";
    private static final int LIST_LIMIT = 50;

    private final transient Messages messages;

    @Activate
    public Hl7ConsolePage(@Reference Messages messages) {
        this.messages = messages;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PrintWriter out = resp.getWriter();
        Optional<ConsoleGuard.Visit> visit = ConsoleGuard.open(req, out, FLASH);
        if (visit.isEmpty()) {
            return;
        }
        AuthenticatedUser who = visit.get().who();
        String token = visit.get().token();
        Object flash = visit.get().flash();
        String action = visit.get().appRoot() + "/" + LABEL;
        out.println("<div id='telehub-hl7'>");
        if (flash != null) {
            out.println("<p class='statline' id='telehub-message'>" + esc(flash) + "</p>");
        }
        String id = blank(req.getParameter("id"));
        try {
            if (id != null) {
                message(out, who, id, action, token);
            } else {
                list(out, who, req, action);
            }
        } catch (DomainException e) {
            out.println("<p class='ui-state-error' id='hl7-error'>" + esc(e.field() == null ? "" : e.field() + ": ")
                    + esc(e.detail()) + "</p>");
        }
        out.println("</div>");
    }

    private void list(PrintWriter out, AuthenticatedUser who, HttpServletRequest req, String action) {
        String adapter = blank(req.getParameter("adapter"));
        String patient = blank(req.getParameter("patient"));
        String type = blank(req.getParameter("type"));
        String controlId = blank(req.getParameter("controlId"));
        String state = blank(req.getParameter("state"));
        out.println("<h2>HL7 v2 messages</h2><form method='get' action='" + esc(action) + "' id='hl7-filter'>"
                + field("Interface", "adapter", adapter) + field("Patient identifier", "patient", patient)
                + field("Type", "type", type) + field("Control id", "controlId", controlId)
                + field("State", "state", state)
                + " <button type='submit' class='ui-state-default ui-corner-all'>Filter</button></form>");
        List<Messages.MessageSummary> found = messages.search(who, new Messages.Search(adapter, patient, type,
                controlId,
                state, null, null, LIST_LIMIT));
        if (found.isEmpty()) {
            out.println("<p id='no-messages'>No message matches.</p>");
            return;
        }
        out.println("<table class='nicetable' id='hl7-messages'><thead><tr><th>When</th><th>Interface</th>"
                + "<th>Direction</th><th>Type</th><th>Control id</th><th>From</th><th>Patient</th><th>State</th>"
                + "<th>ACK</th><th>Error</th></tr></thead><tbody>");
        for (Messages.MessageSummary m : found) {
            String link = action + "?id=" + java.net.URLEncoder.encode(m.id(), java.nio.charset.StandardCharsets.UTF_8);
            out.println("<tr data-message='" + esc(m.id()) + "'><td><a href='" + esc(link)
                    + "'>" + esc(m.receivedAt()) + "</a></td><td>" + esc(m.adapterId()) + "</td><td>"
                    + esc(m.direction()) + "</td><td class='type'>" + esc(m.messageType()) + "</td><td>"
                    + esc(m.controlId()) + "</td><td>" + esc(m.sendingApplication() + " " + m.sendingFacility())
                    + "</td><td>" + esc(m.patientIdentifier()) + "</td><td class='state'>" + esc(m.state())
                    + (m.duplicates() > 0 ? " (+" + m.duplicates() + " repeats)" : "") + "</td><td>"
                    + esc(m.ackCode()) + "</td><td class='error'>" + esc(m.error()) + "</td></tr>");
        }
        out.println("</tbody></table><p>The latest " + LIST_LIMIT + " at most; narrow the filter for older ones.</p>");
    }

    private void message(PrintWriter out, AuthenticatedUser who, String id, String action, String token) {
        Messages.MessageDetail d = messages.get(who, id);
        Messages.MessageSummary m = d.summary();
        out.println("<h2>" + esc(m.messageType()) + " " + esc(m.controlId()) + "</h2><p><a href='" + esc(action)
                + "'>All messages</a></p>");
        out.println("<table class='nicetable' id='hl7-summary'><tbody>" + row("Interface", m.adapterId())
                + row("Direction", m.direction()) + row("Received", m.receivedAt())
                + row("From", m.sendingApplication() + " " + m.sendingFacility()) + row("Version", m.version())
                + row("Character set", d.charset()) + row("Patient identifier", m.patientIdentifier())
                + row("Local patient", m.localPatientId()) + row("State", m.state()) + row("ACK", m.ackCode())
                + row("Error", m.error()) + row("Processed", m.processedAt()) + row("Repeats", m.duplicates())
                + "</tbody></table>");
        if ("in".equals(m.direction()) && ("processed".equals(m.state()) || "failed".equals(m.state()))) {
            out.println("<form method='post' action='" + esc(action) + "' id='hl7-replay'>"
                    + "<input type='hidden' name='" + ConsoleGuard.FIELD + "' value='" + esc(token) + "'>"
                    + "<input type='hidden' name='id' value='" + esc(m.id()) + "'>"
                    + "<button type='submit' class='ui-state-default ui-corner-all'>Replay</button> (processed "
                    + "again; what it registered is set to the same values)</form>");
        }
        out.println("<h3>Segments</h3><table class='nicetable' id='hl7-segments'><tbody>");
        for (Messages.MessageSegment s : d.segments()) {
            out.println("<tr><th>" + esc(s.name()) + "</th><td><code>" + esc(String.join("|", s.fields()))
                    + "</code></td></tr>");
        }
        out.println("</tbody></table><h3>As received</h3><pre id='hl7-text'>" + esc(d.text().replace('\r', '\n'))
                + "</pre>");
        if (d.ack() != null) {
            out.println("<h3>ACK</h3><pre id='hl7-ack'>" + esc(d.ack().replace('\r', '\n')) + "</pre>");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<AuthenticatedUser> who = ConsoleGuard.administrator(req);
        if (who.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Telehub administrators only");
            return;
        }
        String refusal = ConsoleGuard.refusal(req, who.get().username());
        if (refusal != null) {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
            resp.getWriter().println("Refused: " + refusal);
            return;
        }
        String id = blank(req.getParameter("id"));
        String message;
        try {
            if (id == null) {
                throw new org.telehub.domain.InvalidException("id", "Required");
            }
            Messages.MessageSummary s = messages.replay(who.get(), id);
            message = "Message " + s.controlId() + " queued again (" + s.state() + ")";
        } catch (DomainException e) {
            message = (e.field() == null ? "" : e.field() + ": ") + e.detail();
        }
        req.getSession(true).setAttribute(FLASH, message);
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", ConsoleGuard.appRoot(req) + "/" + LABEL + (id == null ? "" : "?id="
                + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String field(String label, String name, String value) {
        return " " + label + " <input name='" + name + "' value='" + esc(value) + "' size='12'>";
    }

    private static String row(String label, Object value) {
        return "<tr><th>" + esc(label) + "</th><td>" + esc(value) + "</td></tr>";
    }

    private static String esc(Object o) {
        return ConsoleGuard.esc(o);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
