package org.telehub.integration.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleGuardTest {
    private static final String T = ConsoleGuard.newToken();

    private static String post(String origin, String referer, String site, String user, String sessionToken,
            String sessionUser, String form) {
        return ConsoleGuard.refusal(new ConsoleGuard.Post("http", "hub.clinic:8181", origin, referer, site, user,
                sessionToken, sessionUser, form));
    }

    @Test
    void theConsolesOwnFormPasses() {
        assertNull(post("http://hub.clinic:8181", null, "same-origin", "admin", T, "admin", T));
        assertNull(post(null, "http://hub.clinic:8181/system/console/telehub", null, "admin", T, "admin", T));
        assertNull(post(null, null, null, "admin", T, "admin", T), "a non-browser client with the token");
        assertNull(post("HTTP://Hub.Clinic:8181", null, "none", "admin", T, "admin", T));
    }

    @Test
    void forgedPostsAreRefused() {
        assertEquals("missing CSRF token", post("http://hub.clinic:8181", null, null, "admin", T, "admin", null));
        assertEquals("wrong CSRF token", post("http://hub.clinic:8181", null, null, "admin", T, "admin",
                ConsoleGuard.newToken()));
        assertEquals("foreign Origin", post("https://evil.example", null, null, "admin", T, "admin", T));
        assertEquals("foreign Origin", post("null", null, null, "admin", T, "admin", T));
        assertEquals("foreign Origin", post("http://hub.clinic:8182", null, null, "admin", T, "admin", T));
        assertEquals("foreign Referer", post(null, "http://hub.clinic:8181.evil.example/", null, "admin", T, "admin",
                T));
        assertTrue(post("http://hub.clinic:8181", null, "cross-site", "admin", T, "admin", T).contains("cross-site"));
        assertTrue(post("http://hub.clinic:8181", null, "same-site", "admin", T, "admin", T).contains("same-site"));
        assertTrue(post("http://hub.clinic:8181", null, null, "admin", null, null, T).startsWith("no console session"));
        assertEquals("the CSRF token was issued to another user",
                post("http://hub.clinic:8181", null, null, "admin2", T, "admin", T));
    }

    @Test
    void tokensAreRandomAndTextIsEscaped() {
        assertNotEquals(ConsoleGuard.newToken(), ConsoleGuard.newToken());
        assertEquals(43, T.length());
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;",
                ConsoleGuard.esc("<script>alert('x')</script> & \""));
        assertEquals("", ConsoleGuard.esc(null));
    }
}
