package org.telehub.integration.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Who may use a Telehub page of the Karaf web console, and cross-site request forgery protection of its forms
 * (shared by the manager's page and the adapters' own, e.g. HL7 v2 messages).
 *
 * <p>Who: the console admits Karaf's {@code admin} role, which the Telehub realm grants Telehub administrators only;
 * a page checks it again on every request with {@link #administrator}, failing closed when the console's user is
 * not a JAAS subject with that role.
 *
 * <p>Forgery: Felix Web Console 4.8.12 (Karaf 4.4.10) has
 * none of its own: its pages take a POST from any site whose page the administrator's browser opens, with the
 * cached Basic credentials. So every POST here must carry the per-session token of the page it came from (bound to
 * the user it was issued to), and a browser's Origin (or, without one, Referer) and {@code Sec-Fetch-Site} must
 * say it came from the console's own origin.
 *
 * @since 1.0
 */
public final class ConsoleGuard {
    /** Session attributes: the page's token and the user it was issued to. */
    public static final String TOKEN_ATTRIBUTE = "org.telehub.console.csrf";
    public static final String USER_ATTRIBUTE = "org.telehub.console.csrf.user";
    /** The form field carrying the token. */
    public static final String FIELD = "csrf";
    /** Request attributes set by Karaf's JAAS security provider of the web console and by Pax Web. */
    public static final String CONSOLE_SUBJECT = "karaf.subject.runas";
    public static final String REMOTE_USER = "org.osgi.service.http.authentication.remote.user";
    private static final String ROLE_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.RolePrincipal";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsoleGuard() {
    }

    /**
     * The console's user as a Telehub administrator, or empty. {@code name}: the request's
     * {@link #REMOTE_USER} attribute or its remote user; {@code subject}: its {@link #CONSOLE_SUBJECT} attribute.
     * The audit trail names the administrator; Telehub's account id is not in the JAAS subject (0).
     */
    public static java.util.Optional<org.telehub.security.AuthenticatedUser> administrator(String name,
            Object subject) {
        if (name == null || !(subject instanceof javax.security.auth.Subject s)) {
            return java.util.Optional.empty();
        }
        boolean admin = false;
        for (java.security.Principal p : s.getPrincipals()) {
            admin |= p.getClass().getName().equals(ROLE_PRINCIPAL)
                    && org.telehub.security.Roles.ADMIN.equals(p.getName());
        }
        return admin ? java.util.Optional.of(new org.telehub.security.AuthenticatedUser(0, name, name,
                java.util.Set.of(org.telehub.security.Roles.ADMIN))) : java.util.Optional.empty();
    }

    /** The administrator of a console request, or empty (see {@link #administrator(String, Object)}). */
    public static java.util.Optional<org.telehub.security.AuthenticatedUser> administrator(
            javax.servlet.http.HttpServletRequest req) {
        Object user = req.getAttribute(REMOTE_USER);
        return administrator(user instanceof String u ? u : req.getRemoteUser(), req.getAttribute(CONSOLE_SUBJECT));
    }

    /**
     * A page's GET by an administrator: who, the session's page token, the message left by the last POST (taken
     * off the session), and the console's root path.
     */
    public record Visit(org.telehub.security.AuthenticatedUser who, String token, Object flash, String appRoot) {
    }

    /**
     * Opens a page's GET: the visit of an administrator, or empty after telling anyone else (in the page) that
     * the page is for Telehub administrators only. {@code flashAttribute}: the session attribute of the page's
     * last message.
     */
    public static java.util.Optional<Visit> open(javax.servlet.http.HttpServletRequest req,
            java.io.PrintWriter out, String flashAttribute) {
        java.util.Optional<org.telehub.security.AuthenticatedUser> who = administrator(req);
        if (who.isEmpty()) {
            out.println("<p class='statline ui-state-error'>Telehub administrators only.</p>");
            return java.util.Optional.empty();
        }
        javax.servlet.http.HttpSession session = req.getSession(true);
        Object flash = session.getAttribute(flashAttribute);
        session.removeAttribute(flashAttribute);
        return java.util.Optional.of(new Visit(who.get(), pageToken(session, who.get().username()), flash,
                appRoot(req)));
    }

    /** The web console's root path ({@code /system/console} unless the console says otherwise). */
    public static String appRoot(javax.servlet.http.HttpServletRequest req) {
        Object root = req.getAttribute("felix.webconsole.appRoot");
        return root instanceof String s ? s : req.getContextPath() + "/system/console";
    }

    /** The session's page token for {@code username}, made anew for a new session or another user. */
    public static String pageToken(javax.servlet.http.HttpSession session, String username) {
        String token = (String) session.getAttribute(TOKEN_ATTRIBUTE);
        if (token == null || !username.equals(session.getAttribute(USER_ATTRIBUTE))) {
            token = newToken();
            session.setAttribute(TOKEN_ATTRIBUTE, token);
            session.setAttribute(USER_ATTRIBUTE, username);
        }
        return token;
    }

    /** Null when this POST by {@code username} may run, else why not (see {@link #refusal(Post)}). */
    public static String refusal(javax.servlet.http.HttpServletRequest req, String username) {
        javax.servlet.http.HttpSession session = req.getSession(false);
        return refusal(new Post(req.getScheme(), req.getHeader("Host"), req.getHeader("Origin"),
                req.getHeader("Referer"), req.getHeader("Sec-Fetch-Site"), username,
                session == null ? null : (String) session.getAttribute(TOKEN_ATTRIBUTE),
                session == null ? null : (String) session.getAttribute(USER_ATTRIBUTE), req.getParameter(FIELD)));
    }

    /** A new page token. */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What a POST came with, and what this session was given. */
    public record Post(String scheme, String host, String origin, String referer, String fetchSite, String remoteUser,
            String sessionToken, String sessionUser, String formToken) {
    }

    /** Null when the POST may run, else why not (said to the caller; contains no token). */
    public static String refusal(Post p) {
        String own = p.scheme() == null || p.host() == null ? null
                : p.scheme().toLowerCase(Locale.ROOT) + "://" + p.host().toLowerCase(Locale.ROOT);
        if (p.fetchSite() != null && !p.fetchSite().equalsIgnoreCase("same-origin")
                && !p.fetchSite().equalsIgnoreCase("none")) {
            return "cross-site request (Sec-Fetch-Site: " + p.fetchSite() + ")";
        }
        if (p.origin() != null) {
            if (own == null || !own.equals(p.origin().toLowerCase(Locale.ROOT))) {
                return "foreign Origin";
            }
        } else if (p.referer() != null) {
            String r = p.referer().toLowerCase(Locale.ROOT);
            if (own == null || !(r.equals(own) || r.startsWith(own + "/"))) {
                return "foreign Referer";
            }
        }
        if (p.sessionToken() == null) {
            return "no console session: open the Telehub page first";
        }
        if (p.formToken() == null || p.formToken().isEmpty()) {
            return "missing CSRF token";
        }
        if (!MessageDigest.isEqual(p.sessionToken().getBytes(StandardCharsets.US_ASCII),
                p.formToken().getBytes(StandardCharsets.US_ASCII))) {
            return "wrong CSRF token";
        }
        if (p.remoteUser() == null || !p.remoteUser().equals(p.sessionUser())) {
            return "the CSRF token was issued to another user";
        }
        return null;
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    public static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
