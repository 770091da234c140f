package org.telehub.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

/**
 * The web app at {@code /}: registered as the whiteboard's <em>default</em> servlet ({@code "/"}), so every longer
 * match (the JAX-RS application's {@code /api/v1/*}, {@code /metrics}, the web console's {@code /system/console/*})
 * wins over it by the servlet specification's own mapping rules, and nothing here has to list them. Still, a request
 * under those prefixes that reaches us (its application away, e.g. during a reinstall of core) gets a plain 404, never
 * the app's HTML.
 *
 * <ul>
 * <li>{@code /assets/*}: Vite's content-hashed files, {@code Cache-Control: public, max-age=31536000, immutable};</li>
 * <li>other files of the build (icons): an hour;</li>
 * <li>{@code /index.html} and the SPA fallback (a GET of an unknown path whose Accept names {@code text/html}):
 * {@code no-cache}, so a new version is seen on the next load;</li>
 * <li>everything else 404.</li>
 * </ul>
 * Every answer carries the Content-Security-Policy ({@link #CSP}), {@code nosniff} and {@code no-referrer}. Text
 * files are sent as the build's Brotli or gzip copy ({@code <file>.br}, {@code <file>.gz}, made by the frontend's
 * {@code compress.mjs}) when the browser accepts it ({@link #encodings}), with {@code Vary: Accept-Encoding}.
 */
@Component(service = Servlet.class, immediate = true, property = {"osgi.http.whiteboard.servlet.pattern=/",
        "osgi.http.whiteboard.servlet.name=telehub-web"})
public class WebApp extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /**
     * No inline script or style (Vite emits files only), no plugins, never framed, fetches to this origin only;
     * {@code blob:}/{@code mediastream:} for the camera preview of the device check. {@code 'wasm-unsafe-eval'} lets
     * the DICOM viewer's decoding worker compile its WebAssembly codecs (served from here; it allows no JavaScript
     * eval); the worker itself is a same-origin module ({@code worker-src} falls back to {@code script-src}).
     */
    static final String CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob: mediastream:; connect-src 'self'; font-src 'self'; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    /** The camera and microphone for this origin only (the device check, later the visit room). */
    static final String PERMISSIONS = "camera=(self), microphone=(self), geolocation=(), payment=()";

    /** Prefixes that belong to others; never answered with the app. */
    static final String[] NOT_OURS = {"/api/", "/system/", "/metrics", "/ws"};

    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("wasm", "application/wasm"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));

    /** What to answer for a path, without any I/O (unit-tested). */
    record Plan(int status, String resource, String cacheControl) {
    }

    static Plan plan(String method, String path, String accept) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new Plan(405, null, "no-store");
        }
        String p = path == null || path.isEmpty() ? "/" : path;
        for (String other : NOT_OURS) {
            if (p.equals(other.endsWith("/") ? other.substring(0, other.length() - 1) : other) || p.startsWith(other)
                    || p.startsWith(other + "/")) {
                return new Plan(404, null, "no-store");
            }
        }
        if (p.contains("..") || p.contains("\\") || p.contains("//") || p.indexOf('\0') >= 0) {
            return new Plan(404, null, "no-store");
        }
        if (p.equals("/") || p.equals("/index.html")) {
            return new Plan(200, "index.html", "no-cache");
        }
        if (p.startsWith("/assets/")) {
            return new Plan(200, p.substring(1), "public, max-age=31536000, immutable");
        }
        String last = p.substring(p.lastIndexOf('/') + 1);
        if (last.contains(".")) {
            return new Plan(200, p.substring(1), "public, max-age=3600");
        }
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html")) {
            return new Plan(200, "index.html", "no-cache"); // a route of the app: /login, /join/<room>, /visits/…
        }
        return new Plan(404, null, "no-store");
    }

    /**
     * The build's compressed copies to try for an {@code Accept-Encoding}, best first: {@code br}, then {@code gzip},
     * each only when named (or {@code *}) without {@code q=0}. Empty: the plain file.
     */
    static List<String> encodings(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) {
            return List.of();
        }
        Map<String, Boolean> accepted = new java.util.HashMap<>();
        for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] p = part.trim().split(";");
            boolean refused = false;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim().replace(" ", "");
                if (param.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(param.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            accepted.put(p[0].trim(), !refused);
        }
        List<String> out = new java.util.ArrayList<>();
        for (String e : List.of("br", "gzip")) {
            if (accepted.getOrDefault(e, accepted.getOrDefault("*", false))) {
                out.add(e);
            }
        }
        return out;
    }

    static String type(String resource) {
        String ext = resource.substring(resource.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        Plan plan = plan(req.getMethod(), path, req.getHeader("Accept"));
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("Permissions-Policy", PERMISSIONS);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cache-Control", plan.cacheControl());
        URL url = plan.resource() == null ? null : resource(plan.resource());
        if (plan.status() == 405) {
            resp.setHeader("Allow", "GET, HEAD");
        }
        if (plan.status() != 200 || url == null) {
            int status = plan.status() == 200 ? 404 : plan.status();
            resp.setHeader("Cache-Control", "no-store");
            resp.setStatus(status);
            resp.setContentType("application/problem+json");
            resp.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + (status == 405 ? "Method Not Allowed"
                    : "Not Found") + "\",\"status\":" + status + "}");
            return;
        }
        resp.setStatus(200);
        resp.setContentType(type(plan.resource()));
        resp.setHeader("Vary", "Accept-Encoding");
        for (String encoding : encodings(req.getHeader("Accept-Encoding"))) {
            URL compressed = resource(plan.resource() + (encoding.equals("br") ? ".br" : ".gz"));
            if (compressed != null) {
                url = compressed;
                resp.setHeader("Content-Encoding", encoding);
                break;
            }
        }
        if ("HEAD".equals(req.getMethod())) {
            return;
        }
        try (InputStream in = url.openStream(); OutputStream out = resp.getOutputStream()) {
            in.transferTo(out);
        }
    }

    /** A file of the built app inside this bundle ({@code /app/...}), never a directory. */
    private URL resource(String name) {
        Bundle b = FrameworkUtil.getBundle(WebApp.class);
        URL url = b != null ? b.getEntry("app/" + name) : WebApp.class.getClassLoader().getResource("app/" + name);
        return url == null || url.getPath().endsWith("/") ? null : url;
    }
}
