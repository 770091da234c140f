package org.telehub.integration.manager.internal.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.DomainException;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.console.ConsoleGuard;
import org.telehub.integration.manager.internal.DeliveryService;
import org.telehub.integration.manager.internal.DeliveryState;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * The "Telehub" page of the Karaf web console ({@code /system/console/telehub}) for clinic IT: adapters with their
 * state, last error and latency, connect and disconnect, the adapter features of {@code system/} (install,
 * uninstall), a link to each adapter's configuration form, deliveries (counts, a filtered list, replay of a dead
 * one). A plain {@link Servlet} service with the {@code felix.webconsole.*} properties, so the manager imports no
 * web console API and runs without the console (the servlet package is an optional import).
 *
 * <p>Everything goes through the manager's services. Who may: the console admits Karaf's {@code admin} role, which
 * the Telehub realm grants Telehub administrators only; this page checks it again on every request (fails closed
 * when the console's user is not a JAAS subject with that role). Every POST is checked by {@link ConsoleGuard}
 * (per-session token, Origin) and every action is audited with the administrator's name. Everything shown is
 * HTML-escaped: adapter errors come from remote systems.
 */
@Component(service = Servlet.class, property = {"felix.webconsole.label=" + TelehubConsolePlugin.LABEL,
        "felix.webconsole.title=Telehub", "felix.webconsole.category=Telehub"})
public class TelehubConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "telehub";
    private static final Logger LOG = LoggerFactory.getLogger(TelehubConsolePlugin.class);
    private static final String FLASH = "org.telehub.console.flash";
    private static final int LIST_LIMIT = 50;

    private final transient BundleContext context;
    private final transient IntegrationService integration;
    private final transient DeliveryService deliveries;
    private final transient AuditLog audit;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterFeatures features;

    @Activate
    public TelehubConsolePlugin(BundleContext context, @Reference IntegrationService integration,
            @Reference DeliveryService deliveries, @Reference AuditLog audit) {
        this.context = context;
        this.integration = integration;
        this.deliveries = deliveries;
        this.audit = audit;
    }

    // ---- who

    // ---- GET: the page (inside the console's frame)

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
        String root = visit.get().appRoot();
        String action = root + "/" + LABEL;
        out.println("<div id='telehub-console'>");
        out.println("<p class='statline'>Signed in as " + ConsoleGuard.esc(who.username()) + ".</p>");
        if (flash != null) {
            out.println("<p class='statline' id='telehub-message'>" + ConsoleGuard.esc(flash) + "</p>");
        }
        adapters(out, root, action, token);
        features(out, action, token);
        deliveries(out, req, who, action, token);
        out.println("</div>");
    }

    private void adapters(PrintWriter out, String root, String action, String token) {
        out.println("<h2>Adapters</h2>");
        List<IntegrationService.AdapterStatus> status = integration.status();
        if (status.isEmpty()) {
            out.println("<p id='no-adapters'>No adapter is installed: install an adapter feature below, then"
                    + " configure an instance.</p>");
            return;
        }
        Map<String, String> pids = configurationPids();
        out.println("<table class='nicetable' id='adapters'><thead><tr><th>Id</th><th>System</th><th>Product</th>"
                + "<th>State</th><th>Detail</th><th>Last error</th><th>Latency</th><th>Configuration</th>"
                + "<th>Actions</th></tr></thead><tbody>");
        for (IntegrationService.AdapterStatus s : status) {
            String pid = pids.get(s.id());
            out.println("<tr data-adapter='" + ConsoleGuard.esc(s.id()) + "'>"
                    + "<td>" + ConsoleGuard.esc(s.id()) + "</td>"
                    + "<td>" + ConsoleGuard.esc(s.systemType()) + "</td>"
                    + "<td>" + ConsoleGuard.esc(s.vendor() + " " + s.product() + " " + s.adapterVersion()) + "</td>"
                    + "<td class='state'>" + ConsoleGuard.esc(s.state()) + "</td>"
                    + "<td>" + ConsoleGuard.esc(s.detail()) + "</td>"
                    + "<td class='last-error'>" + ConsoleGuard.esc(s.lastError()) + "</td>"
                    + "<td>" + (s.lastLatencyMillis() == null ? "" : s.lastLatencyMillis() + " ms") + "</td>"
                    + "<td>" + (pid == null ? "" : "<a class='configure' href='" + ConsoleGuard.esc(root
                            + "/configMgr/" + pid) + "'>configure</a>") + "</td>"
                    + "<td>" + (s.conflict() ? "" : form(action, token, "connect", "adapter", s.id(), "Connect")
                            + form(action, token, "disconnect", "adapter", s.id(), "Disconnect")) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void features(PrintWriter out, String action, String token) {
        out.println("<h2>Adapter features</h2>");
        AdapterFeatures f = features;
        if (f == null) {
            out.println("<p>Karaf's feature service is not available.</p>");
            return;
        }
        List<AdapterFeatures.Entry> list;
        try {
            list = f.list();
        } catch (Exception e) {
            out.println("<p class='ui-state-error'>Cannot list the features: " + ConsoleGuard.esc(e.getMessage())
                    + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='features'><thead><tr><th>Feature</th><th>Version</th>"
                + "<th>Description</th><th>Installed</th><th>Action</th></tr></thead><tbody>");
        for (AdapterFeatures.Entry e : list) {
            out.println("<tr data-feature='" + ConsoleGuard.esc(e.name()) + "'><td>" + ConsoleGuard.esc(e.name())
                    + "</td><td>" + ConsoleGuard.esc(e.version()) + "</td><td>" + ConsoleGuard.esc(e.description())
                    + "</td><td class='installed'>" + (e.installed() ? "yes" : "no") + "</td><td>"
                    + (e.installed() ? form(action, token, "uninstall", "feature", e.name(), "Uninstall")
                            : form(action, token, "install", "feature", e.name(), "Install"))
                    + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void deliveries(PrintWriter out, HttpServletRequest req, AuthenticatedUser who, String action,
            String token) {
        out.println("<h2>Deliveries</h2>");
        Map<DeliveryState, Long> counts = deliveries.counts(DeliveryState.QUEUED, DeliveryState.RETRYING,
                DeliveryState.DEAD);
        out.println("<p id='delivery-counts'>waiting: <span id='count-waiting'>" + counts.get(DeliveryState.QUEUED)
                + "</span>, retrying: <span id='count-retrying'>" + counts.get(DeliveryState.RETRYING)
                + "</span>, dead: <span id='count-dead'>" + counts.get(DeliveryState.DEAD) + "</span></p>");
        String state = blankToNull(req.getParameter("state"));
        String adapter = blankToNull(req.getParameter("adapter"));
        StringBuilder filter = new StringBuilder("<form method='get' action='" + ConsoleGuard.esc(action)
                + "'>State <select name='state'><option value=''>any</option>");
        for (String v : DeliveryState.VALUES) {
            filter.append("<option").append(v.equals(state) ? " selected" : "").append(">")
                    .append(ConsoleGuard.esc(v)).append("</option>");
        }
        filter.append("</select> Adapter <input name='adapter' value='").append(ConsoleGuard.esc(adapter))
                .append("'> <button type='submit'>Filter</button></form>");
        out.println(filter);
        List<DeliveryService.DeliveryView> list;
        try {
            list = deliveries.list(who, state, adapter, null, LIST_LIMIT);
        } catch (DomainException e) {
            out.println("<p class='ui-state-error' id='filter-error'>" + ConsoleGuard.esc(e.field()) + ": "
                    + ConsoleGuard.esc(e.detail()) + "</p>");
            return;
        }
        out.println("<table class='nicetable' id='deliveries'><thead><tr><th>Id</th><th>Target</th><th>State</th>"
                + "<th>Attempts</th><th>Next attempt</th><th>Last error</th><th>Created</th><th>Action</th></tr>"
                + "</thead><tbody>");
        for (DeliveryService.DeliveryView d : list) {
            out.println("<tr data-delivery='" + ConsoleGuard.esc(d.id()) + "'><td>" + ConsoleGuard.esc(d.id())
                    + "</td><td>" + ConsoleGuard.esc(d.adapterId()) + "</td><td class='state'>"
                    + ConsoleGuard.esc(d.state()) + "</td><td>" + d.attempts() + "/" + d.maxAttempts() + "</td><td>"
                    + ConsoleGuard.esc(d.nextAttemptAt()) + "</td><td class='last-error'>"
                    + ConsoleGuard.esc(d.lastError()) + "</td><td>" + ConsoleGuard.esc(d.createdAt()) + "</td><td>"
                    + (d.state() == DeliveryState.DEAD ? form(action, token, "replay", "delivery", d.id(), "Replay")
                            : "") + "</td></tr>");
        }
        out.println("</tbody></table>");
        if (list.isEmpty()) {
            out.println("<p id='no-deliveries'>No delivery matches.</p>");
        }
    }

    private static String form(String action, String token, String what, String name, String value, String label) {
        return "<form method='post' action='" + ConsoleGuard.esc(action) + "' style='display:inline'>"
                + "<input type='hidden' name='" + ConsoleGuard.FIELD + "' value='" + ConsoleGuard.esc(token) + "'>"
                + "<input type='hidden' name='action' value='" + what + "'>"
                + "<input type='hidden' name='" + name + "' value='" + ConsoleGuard.esc(value) + "'>"
                + "<button type='submit' class='ui-state-default ui-corner-all' name='do' value='" + what + "'>"
                + label + "</button></form>";
    }

    /** The configuration PID of each adapter service (DS copies it from the factory configuration). */
    private Map<String, String> configurationPids() {
        Map<String, String> out = new java.util.HashMap<>();
        Collection<ServiceReference<Adapter>> refs;
        try {
            refs = context.getServiceReferences(Adapter.class, null);
        } catch (InvalidSyntaxException e) {
            return out;
        }
        for (ServiceReference<Adapter> r : refs) {
            Object pid = r.getProperty("service.pid");
            if (pid == null) {
                continue;
            }
            Adapter a = context.getService(r);
            try {
                if (a != null) {
                    out.putIfAbsent(a.info().id(), pid.toString());
                }
            } catch (RuntimeException e) {
                LOG.debug("Adapter {} did not tell its id", pid, e);
            } finally {
                context.ungetService(r);
            }
        }
        return out;
    }

    // ---- POST: actions, then back to the page (303)

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<AuthenticatedUser> who = ConsoleGuard.administrator(req);
        if (who.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Telehub administrators only");
            return;
        }
        HttpSession session = req.getSession(false);
        String refusal = ConsoleGuard.refusal(req, who.get().username());
        String what = String.valueOf(req.getParameter("action"));
        if (refusal != null) {
            audit.record(who.get(), "console.refused", null, List.of(), what + ": " + refusal);
            resp.setContentType("text/plain;charset=UTF-8");
            resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
            resp.getWriter().println("Refused: " + refusal);
            return;
        }
        String message;
        try {
            message = act(who.get(), what, req);
        } catch (DomainException e) {
            message = (e.field() == null ? "" : e.field() + ": ") + e.detail();
        }
        session.setAttribute(FLASH, message);
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", ConsoleGuard.appRoot(req) + "/" + LABEL);
    }

    private String act(AuthenticatedUser who, String what, HttpServletRequest req) {
        switch (what) {
            case "connect", "disconnect" -> {
                String id = required(req, "adapter");
                Adapter a = integration.adapter(id).orElseThrow(() -> new org.telehub.domain.NotFoundException(
                        "No adapter '" + id + "' is installed"));
                IntegrationService.ConnectResult r = integration.connection(a, what.equals("connect"));
                String outcome = r.outcome() + (r.error() == null ? "" : ": " + r.error());
                audit.record(who, "console.adapter." + what, null, List.of(id), outcome);
                return id + " " + what + ": " + outcome;
            }
            case "install", "uninstall" -> {
                String name = required(req, "feature");
                AdapterFeatures f = features;
                if (f == null) {
                    throw new org.telehub.domain.UnavailableException("Karaf's feature service is not available");
                }
                String outcome;
                try {
                    if (what.equals("install")) {
                        f.install(name);
                    } else {
                        f.uninstall(name);
                    }
                    outcome = "ok";
                } catch (DomainException e) {
                    audit.record(who, "console.feature." + what, null, List.of(), name + ": refused: " + e.detail());
                    throw e;
                } catch (Exception e) {
                    LOG.warn("Console {} of {} failed", what, name, e);
                    outcome = "failed: " + e.getMessage();
                }
                audit.record(who, "console.feature." + what, null, List.of(), name + ": " + outcome);
                return name + " " + what + ": " + outcome;
            }
            case "replay" -> {
                String id = required(req, "delivery");
                Optional<Boolean> replayed = deliveries.replay(id);
                String target = deliveries.get(id).map(DeliveryService.DeliveryView::adapterId).orElse(null);
                String outcome = replayed.isEmpty() ? "no such delivery" : replayed.get() ? "queued again"
                        : "not dead, not replayed";
                audit.record(who, "console.delivery.replay", null, target == null ? List.of() : List.of(target),
                        id + ": " + outcome);
                return "Delivery " + id + ": " + outcome;
            }
            default -> throw new org.telehub.domain.InvalidException("action",
                    "One of connect, disconnect, install, uninstall, replay");
        }
    }

    private static String required(HttpServletRequest req, String name) {
        String v = blankToNull(req.getParameter(name));
        if (v == null || v.length() > 200) {
            throw new org.telehub.domain.InvalidException(name, "Required: 1 to 200 characters");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

}
