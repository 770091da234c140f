package org.telehub.integration.manager.internal.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Cross-site request forgery protection of the Telehub console page. Felix Web Console 4.8.12 (Karaf 4.4.10) has
 * none of its own: its pages take a POST from any site whose page the administrator's browser opens, with the
 * cached Basic credentials. So every POST here must carry the per-session token of the page it came from (bound to
 * the user it was issued to), and a browser's Origin (or, without one, Referer) and {@code Sec-Fetch-Site} must
 * say it came from the console's own origin.
 */
final class ConsoleGuard {
    static final String TOKEN_ATTRIBUTE = "org.telehub.console.csrf";
    static final String USER_ATTRIBUTE = "org.telehub.console.csrf.user";
    static final String FIELD = "csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsoleGuard() {
    }

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What a POST came with, and what this session was given. */
    record Post(String scheme, String host, String origin, String referer, String fetchSite, String remoteUser,
            String sessionToken, String sessionUser, String formToken) {
    }

    /** Null when the POST may run, else why not (said to the caller; contains no token). */
    static String refusal(Post p) {
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
    static String esc(Object o) {
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
