package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.UnavailableException;

/** The browser rules without a database: cookie attributes, the origin check, the CSRF token. */
class BrowserGuardTest {
    static final String SESSION = "ths_c2Vzc2lvbi1zZWNyZXQtZm9yLXRoZS10ZXN0cy0xMjM0NTY3";

    @Test
    void overHttpsTheCookieIsHostPrefixedSecureHttpOnlyAndStrict() {
        BrowserGuard g = new BrowserGuard(null, "https://Hub.Example.org:443/");
        assertEquals("https://hub.example.org", g.publicOrigin());
        assertEquals("__Host-telehub_session=" + SESSION + "; Path=/; HttpOnly; SameSite=Strict; Secure",
                g.setCookie(SESSION));
        assertFalse(g.setCookie(SESSION).contains("Domain"), "__Host- forbids Domain: no subdomain shares it");
        assertEquals("__Host-telehub_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure", g.clearCookie());
        assertDoesNotThrow(g::requireEnabled);
    }

    @Test
    void plainHttpOnlyForThisMachineAndThenWithoutSecureOrPrefix() {
        BrowserGuard local = new BrowserGuard(null, "http://localhost:8181");
        assertEquals("telehub_session=" + SESSION + "; Path=/; HttpOnly; SameSite=Strict", local.setCookie(SESSION));
        assertDoesNotThrow(local::requireEnabled);
        assertDoesNotThrow(new BrowserGuard(null, "http://127.0.0.1:8181")::requireEnabled);
        UnavailableException off = assertThrows(UnavailableException.class,
                new BrowserGuard(null, "http://hub.example.org")::requireEnabled);
        assertTrue(off.getMessage().contains("use https"), off.getMessage());
        assertThrows(UnavailableException.class, new BrowserGuard(null, "hub.example.org")::requireEnabled);
    }

    @Test
    void originsCompareAsBrowsersSendThem() {
        assertEquals("https://hub.example.org:8443", BrowserGuard.normalise("HTTPS://hub.example.org:8443"));
        assertEquals("http://localhost:8181", BrowserGuard.normalise("http://localhost:8181/"));
        assertEquals("http://hub", BrowserGuard.normalise("http://hub:80"));
        assertNull(BrowserGuard.normalise("https://hub.example.org/app"), "an origin has no path");
        assertNull(BrowserGuard.normalise("ftp://hub.example.org"));
        assertNull(BrowserGuard.normalise("https://user@hub.example.org"));
    }

    @Test
    void anUnsafeCookieRequestNeedsTheOriginAndTheSessionsCsrfToken() {
        BrowserGuard g = new BrowserGuard(null, "https://hub.example.org");
        String csrf = BrowserGuard.csrfToken(SESSION);
        // reads change nothing: no check (a link from an e-mail to a patient page must work)
        assertDoesNotThrow(() -> g.checkCookieRequest("GET", "https://evil.example", "cross-site", null, SESSION));
        assertDoesNotThrow(() -> g.checkCookieRequest("POST", "https://hub.example.org", "same-origin", csrf,
                SESSION));
        assertDoesNotThrow(() -> g.checkCookieRequest("DELETE", null, null, csrf, SESSION),
                "no Origin and no Sec-Fetch-Site: not a current browser; the token decides");

        refused("Origin https://evil.example is not https://hub.example.org",
                () -> g.checkCookieRequest("POST", "https://evil.example", null, csrf, SESSION));
        refused("Origin https://clinic.hub.example.org is not",
                () -> g.checkCookieRequest("PUT", "https://clinic.hub.example.org", "same-site", csrf, SESSION));
        refused("Origin null is not", () -> g.checkCookieRequest("POST", "null", null, csrf, SESSION));
        refused("Sec-Fetch-Site is cross-site", () -> g.checkCookieRequest("POST", null, "cross-site", csrf, SESSION));
        refused("must send the header X-CSRF-Token",
                () -> g.checkCookieRequest("POST", "https://hub.example.org", "same-origin", null, SESSION));
        refused("X-CSRF-Token is not this session's", () -> g.checkCookieRequest("PATCH", "https://hub.example.org",
                "same-origin", BrowserGuard.csrfToken(SESSION + "x"), SESSION));
    }

    @Test
    void theCsrfTokenIsNeitherTheSessionNorItsStoredDigest() {
        String csrf = BrowserGuard.csrfToken(SESSION);
        assertEquals(43, csrf.length());
        assertNotEquals(SESSION, csrf);
        assertFalse(csrf.contains(UserStore.digest(SESSION)));
        assertNotEquals(csrf, BrowserGuard.csrfToken("ths_another"));
    }

    @Test
    void theSessionIsFoundAmongOtherCookiesByItsName() {
        BrowserGuard g = new BrowserGuard(null, "https://hub.example.org");
        assertEquals(Optional.of(SESSION), g.sessionFrom("theme=dark; __Host-telehub_session=" + SESSION + "; x=1"));
        assertEquals(Optional.empty(), g.sessionFrom("telehub_session=" + SESSION), "not the https cookie's name");
        assertEquals(Optional.empty(), g.sessionFrom(null));
    }

    private static void refused(String why, org.junit.jupiter.api.function.Executable call) {
        ForbiddenException e = assertThrows(ForbiddenException.class, call);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
