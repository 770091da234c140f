package org.telehub.realtime.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.websocket.api.WebSocketPolicy;
import org.eclipse.jetty.websocket.server.WebSocketServerFactory;
import org.eclipse.jetty.websocket.servlet.ServletUpgradeRequest;
import org.eclipse.jetty.websocket.servlet.ServletUpgradeResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.DomainException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.BrowserGate;

/**
 * {@code /ws}: checks the handshake before upgrading (the session cookie from the hub's own origin, a bearer token,
 * or a guest's visit token) with {@link BrowserGate}, the same rules as the REST API, and answers 401/403 without
 * upgrading when they fail. Jetty 9.4's own WebSocket API, because JSR 356 endpoints registered through Pax Web's
 * whiteboard get Pax Web's configurator, which offers no hook into the handshake.
 *
 * <p>A browser cannot set {@code Authorization} on a WebSocket: a guest's page offers its visit token as the
 * sub-protocol {@code bearer.<token>} beside {@code telehub.v1}, and the answer names only {@code telehub.v1}.
 */
@Component(service = Servlet.class, property = { "osgi.http.whiteboard.servlet.pattern=/ws",
        "osgi.http.whiteboard.servlet.name=telehub-ws" })
public class SocketServlet extends HttpServlet {
    static final String SUBPROTOCOL = "telehub.v1";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SocketServlet.class);

    private final transient SocketHub hub;
    private final transient BrowserGate gate;
    private transient WebSocketServerFactory factory;

    @Activate
    public SocketServlet(@Reference SocketHub hub, @Reference BrowserGate gate) {
        this.hub = hub;
        this.gate = gate;
    }

    @Override
    public void init(ServletConfig cfg) throws ServletException {
        super.init(cfg);
        WebSocketPolicy policy = WebSocketPolicy.newServerPolicy();
        RealtimeConfig c = hub.config();
        policy.setMaxTextMessageSize(c.maxFrameBytes());
        policy.setMaxBinaryMessageSize(c.maxFrameBytes());
        policy.setIdleTimeout(TimeUnit.SECONDS.toMillis(4L * c.heartbeatSeconds()));
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(WebSocketServerFactory.class.getClassLoader());
        try {
            factory = new WebSocketServerFactory(getServletContext(), policy);
            factory.setCreator(this::create);
            factory.start();
        } catch (Exception e) {
            throw new ServletException("The WebSocket factory did not start", e);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    @Override
    public void destroy() {
        try {
            if (factory != null) {
                factory.stop();
            }
        } catch (Exception e) {
            LOG.debug("Stopping the WebSocket factory: {}", e.toString());
        }
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        if (factory.isUpgradeRequest(req, resp)) {
            if (factory.acceptWebSocket(req, resp) || resp.isCommitted()) {
                return;
            }
        }
        if (resp.isCommitted()) {
            return;
        }
        problem(resp, 426, "Upgrade Required", "This is the hub's WebSocket endpoint: open it with a WebSocket"
                + " handshake (docs/websocket-protocol.md)");
    }

    private Object create(ServletUpgradeRequest req, ServletUpgradeResponse resp) {
        String origin = req.getHeader("Origin");
        String cookie = req.getHeader("Cookie");
        String authorization = req.getHeader("Authorization");
        boolean v1 = req.getSubProtocols().contains(SUBPROTOCOL);
        if ((authorization == null || authorization.isBlank()) && v1) {
            for (String p : req.getSubProtocols()) {
                if (p.startsWith("bearer.") && p.length() > 7) {
                    authorization = "Bearer " + p.substring(7);
                }
            }
        }
        Connection.Credentials k = new Connection.Credentials(origin, cookie, authorization);
        AuthenticatedUser user;
        try {
            user = gate.admitHandshake(origin, cookie, authorization);
        } catch (DomainException e) {
            hub.counter("refused");
            try {
                resp.sendError(e.status(), e.getMessage());
            } catch (IOException io) {
                LOG.debug("Refusing a handshake: {}", io.toString());
            }
            return null;
        }
        if (v1) {
            resp.setAcceptedSubProtocol(SUBPROTOCOL);
        }
        return hub.open(user, k);
    }

    private static void problem(HttpServletResponse resp, int status, String title, String detail)
            throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/problem+json");
        resp.setHeader("Upgrade", "websocket");
        resp.getOutputStream().write(Frames.JSON.writeValueAsString(java.util.Map.of("status", status, "title",
                title, "detail", detail)).getBytes(StandardCharsets.UTF_8));
    }
}
