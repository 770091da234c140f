package org.telehub.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;

import org.junit.jupiter.api.Test;

class EarlyStartTest {
    @Test
    void readsTheConfigurationAsTheComponentWould() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("httpsPort", "9443");
        p.put("redirectHttpToHttps", "true");
        p.put(".keystorePassword", "s3cret");
        p.put("hostNames", new String[] {"a.example"});
        TlsConfig c = EarlyStart.config(p);
        assertEquals(9443, c.httpsPort());
        assertTrue(c.redirectHttpToHttps());
        assertEquals("s3cret", c._keystorePassword(), "a leading _ is the private . property");
        assertEquals("a.example", c.hostNames());
        // what the file does not say: the annotation's defaults
        assertTrue(c.enabled());
        assertEquals("", c.keystore());
        assertEquals(31536000L, c.hstsMaxAgeSeconds());
        assertFalse(c.toString().contains("s3cret"), "never the password in a log line");
    }

    @Test
    void noConfigurationIsAllDefaults() {
        TlsConfig c = EarlyStart.config(null);
        assertEquals(8443, c.httpsPort());
        assertFalse(c.redirectHttpToHttps());
    }
}
