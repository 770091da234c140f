package org.telehub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WebAppTest {
    private static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

    @Test
    void hashedAssetsAreImmutableAndIndexIsRevalidated() {
        assertEquals(new WebApp.Plan(200, "assets/index-AbC123.js", "public, max-age=31536000, immutable"),
                WebApp.plan("GET", "/assets/index-AbC123.js", "*/*"));
        assertEquals(new WebApp.Plan(200, "index.html", "no-cache"), WebApp.plan("GET", "/", HTML));
        assertEquals(new WebApp.Plan(200, "index.html", "no-cache"), WebApp.plan("GET", "/index.html", "*/*"));
    }

    @Test
    void routesOfTheAppFallBackToIndexOnlyForBrowsers() {
        assertEquals("index.html", WebApp.plan("GET", "/join/room-1", HTML).resource());
        assertEquals("index.html", WebApp.plan("GET", "/visits/abc", HTML).resource());
        assertEquals(404, WebApp.plan("GET", "/join/room-1", "application/json").status());
        assertEquals(404, WebApp.plan("GET", "/nothing", null).status());
    }

    @Test
    void othersPathsAreNeverTheApp() {
        for (String p : new String[] {"/api/v1/nope", "/api", "/system/console/bundles", "/metrics", "/ws/x"}) {
            assertEquals(404, WebApp.plan("GET", p, HTML).status(), p);
            assertNull(WebApp.plan("GET", p, HTML).resource(), p);
        }
        assertEquals(404, WebApp.plan("GET", "/assets/../../etc/passwd", HTML).status());
        assertEquals(405, WebApp.plan("POST", "/", HTML).status());
    }

    @Test
    void typesAreNamed() {
        assertEquals("text/javascript; charset=utf-8", WebApp.type("assets/a.js"));
        assertEquals("text/css; charset=utf-8", WebApp.type("assets/a.css"));
        assertEquals("application/octet-stream", WebApp.type("assets/a.bin"));
        // WebAssembly.instantiateStreaming (the viewer's codecs) refuses any other type
        assertEquals("application/wasm", WebApp.type("assets/charlswasm_decode-CEN7ucFR.wasm"));
    }

    @Test
    void thePolicyAllowsWebAssemblyButNoEvalOrForeignCode() {
        assertEquals(true, WebApp.CSP.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assertEquals(false, WebApp.CSP.contains("'unsafe-eval'") || WebApp.CSP.contains("'unsafe-inline'")
                || WebApp.CSP.contains("blob: ;") || WebApp.CSP.contains("worker-src"));
    }

    @Test
    void theCompressedCopyIsTheOneTheBrowserAccepts() {
        assertEquals(java.util.List.of("br", "gzip"), WebApp.encodings("gzip, deflate, br, zstd")); // chromium's
        assertEquals(java.util.List.of("gzip"), WebApp.encodings("gzip, deflate"));
        assertEquals(java.util.List.of("gzip"), WebApp.encodings("br;q=0, gzip;q=0.5"));
        assertEquals(java.util.List.of("br", "gzip"), WebApp.encodings("*"));
        assertEquals(java.util.List.of("gzip"), WebApp.encodings("*, br;q=0"));
        assertEquals(java.util.List.of(), WebApp.encodings("identity"));
        assertEquals(java.util.List.of(), WebApp.encodings(null));
        assertEquals(java.util.List.of(), WebApp.encodings("gzip;q=nonsense"));
    }
}
