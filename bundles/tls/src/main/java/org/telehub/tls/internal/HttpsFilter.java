package org.telehub.tls.internal;

import java.io.IOException;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Registered once by {@link TlsSetup} on every HTTP whiteboard context (the API, the web app): plain HTTP requests are
 * sent to HTTPS ({@code redirectHttpToHttps}), HTTPS answers get Strict-Transport-Security (only with the clinic's
 * certificate), and with neither it passes requests on untouched. A configuration change swaps its settings in place
 * and never re-registers it: a whiteboard registration while Pax Web rebuilds its server deadlocks (ARCHITECTURE.md
 * "HTTPS").
 */
final class HttpsFilter implements Filter {
    /** What the filter does; {@code hsts} is the header's value or null for none. */
    record Settings(boolean redirect, int httpsPort, String hsts) {
        static final Settings NONE = new Settings(false, 0, null);

        static Settings of(boolean redirect, int httpsPort, long hstsMaxAgeSeconds) {
            return new Settings(redirect, httpsPort, hstsMaxAgeSeconds > 0 ? "max-age=" + hstsMaxAgeSeconds : null);
        }
    }

    private volatile Settings settings;

    HttpsFilter(Settings settings) {
        this.settings = settings;
    }

    void set(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    @Override
    public void init(FilterConfig filterConfig) {
        // nothing to set up
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        Settings s = settings;
        if (!req.isSecure()) {
            if (s.redirect()) {
                String method = req.getMethod();
                boolean safe = "GET".equals(method) || "HEAD".equals(method);
                // 301 for what a browser navigates to; 308 keeps method and body for anything else
                res.setStatus(safe ? 301 : 308);
                res.setHeader("Location", location(req.getServerName(), s.httpsPort(), req.getRequestURI(),
                        req.getQueryString()));
                res.setContentLength(0);
                return;
            }
        } else if (s.hsts() != null) {
            res.setHeader("Strict-Transport-Security", s.hsts());
        }
        chain.doFilter(request, response);
    }

    /** The HTTPS address of the same host name the client used (the port replaced), path and query kept. */
    static String location(String serverName, int port, String uri, String query) {
        String host = serverName;
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "https://" + host + (port == 443 ? "" : ":" + port) + (uri == null || uri.isEmpty() ? "/" : uri)
                + (query == null ? "" : "?" + query);
    }

    @Override
    public void destroy() {
        // nothing held
    }
}
