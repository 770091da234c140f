package org.telehub.security.internal.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.configadmin.plugin.interpolation.Interpolator;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

/**
 * The mask against Felix's real interpolator (the code its interpolation plugin runs on every string value): a read
 * without a service reference (Karaf's config:list) gets the placeholders back, a delivery gets the secrets. Without
 * the mask the read got the secret (first assertion of {@link #aReadWithoutReferenceShowsThePlaceholder}).
 */
class SecretPlaceholderMaskTest {
    private static final Interpolator.Provider SECRETS = (type, name, directives) ->
            type.equals("secret") ? "s3cret-" + name : type.equals("env") ? "env-" + name : "prop-" + name;

    @Test
    void aReadWithoutReferenceShowsThePlaceholder() {
        assertEquals("s3cret-db", Interpolator.replace("$[secret:db]", SECRETS), "what config:list printed before");

        Dictionary<String, Object> read = config();
        new SecretPlaceholderMask().modifyConfiguration(null, read);
        interpolate(read);
        assertEquals("$[secret:db]", read.get("password"));
        assertEquals("user:$[env:TOKEN]", read.get("header"));
        assertArrayEquals(new String[] {"a", "$[secret:x]"}, (String[]) read.get("list"));
        assertEquals(List.of("$[secret:y]"), read.get("collection"));
        assertEquals("prop-karaf.home/etc", read.get("dir"), "placeholders of other kinds still resolve");
        assertEquals(8181, read.get("port"));
    }

    @Test
    void aDeliveryGetsTheSecret() {
        Dictionary<String, Object> delivered = config();
        new SecretPlaceholderMask().modifyConfiguration(reference(), delivered);
        interpolate(delivered);
        assertEquals("s3cret-db", delivered.get("password"));
        assertEquals("user:env-TOKEN", delivered.get("header"));
        assertArrayEquals(new String[] {"a", "s3cret-x"}, (String[]) delivered.get("list"));
    }

    @Test
    void anEscapedPlaceholderIsNotEscapedTwice() {
        Object v = "\\$[secret:db]";
        assertSame(v, SecretPlaceholderMask.escape(v));
        Object plain = "no placeholder";
        assertSame(plain, SecretPlaceholderMask.escape(plain));
    }

    private static Dictionary<String, Object> config() {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("password", "$[secret:db]");
        d.put("header", "user:$[env:TOKEN]");
        d.put("list", new String[] {"a", "$[secret:x]"});
        d.put("collection", List.of("$[secret:y]"));
        d.put("dir", "$[prop:karaf.home]/etc");
        d.put("port", 8181);
        return d;
    }

    /** What the interpolation plugin does to each value (strings, arrays and lists of strings). */
    private static void interpolate(Dictionary<String, Object> d) {
        for (String k : java.util.Collections.list(d.keys())) {
            Object v = d.get(k);
            if (v instanceof String s) {
                d.put(k, Interpolator.replace(s, SECRETS));
            } else if (v instanceof String[] a) {
                d.put(k, java.util.Arrays.stream(a).map(x -> (String) Interpolator.replace(x, SECRETS))
                        .toArray(String[]::new));
            } else if (v instanceof List<?> l) {
                d.put(k, l.stream().map(x -> Interpolator.replace((String) x, SECRETS)).toList());
            }
        }
    }

    private static ServiceReference<?> reference() {
        return (ServiceReference<?>) Proxy.newProxyInstance(SecretPlaceholderMaskTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> null);
    }
}
