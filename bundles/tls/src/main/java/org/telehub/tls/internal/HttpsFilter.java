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
 * Registered by {@link TlsSetup} on every HTTP whiteboard context (the API, the web app, the web console) when there
 * is something to do: plain HTTP requests are sent to HTTPS ({@code redirectHttpToHttps}), HTTPS answers get
 * Strict-Transport-Security (only with the clinic's certificate).
 */
final class HttpsFilter implements Filter {
    private final boolean redirect;
    private final int httpsPort;
    /** The header's value, or null for none. */
    private final String hsts;

    HttpsFilter(boolean redirect, int httpsPort, long hstsMaxAgeSeconds) {
        this.redirect = redirect;
        this.httpsPort = httpsPort;
        this.hsts = hstsMaxAgeSeconds > 0 ? "max-age=" + hstsMaxAgeSeconds : null;
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
        if (!req.isSecure()) {
            if (redirect) {
                String method = req.getMethod();
                boolean safe = "GET".equals(method) || "HEAD".equals(method);
                // 301 for what a browser navigates to; 308 keeps method and body for anything else
                res.setStatus(safe ? 301 : 308);
                res.setHeader("Location", location(req.getServerName(), httpsPort, req.getRequestURI(),
                        req.getQueryString()));
                res.setContentLength(0);
                return;
            }
        } else if (hsts != null) {
            res.setHeader("Strict-Transport-Security", hsts);
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
