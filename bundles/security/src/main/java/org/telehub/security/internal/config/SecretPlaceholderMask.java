package org.telehub.security.internal.config;

import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps configuration secrets out of what the shell prints. Secrets stand in {@code .cfg} files as placeholders
 * ({@code $[secret:NAME]}, {@code $[env:NAME]}) that Felix's interpolation plugin (ranking 500) resolves. It resolves
 * them for every caller of {@code getProcessedProperties}, including Karaf's {@code config:list}, which asks with no
 * service reference: so {@code config:list} used to print every resolved secret. A delivery to a component always
 * carries the reference of the service it is for; a read without one is a person looking.
 *
 * <p>This plugin runs first (ranking 100) and, only for a read without a reference, escapes those placeholders
 * ({@code \$[secret:…]}) so that the interpolation plugin leaves them and prints them back unescaped: the shell shows
 * exactly what the {@code .cfg} holds, and a Karaf command that writes processed properties back (config:edit of a
 * configuration without a file) writes the placeholder, never the secret. Deliveries are not touched, so the
 * hub's start does not depend on this bundle: without it the shell just shows secrets again.
 *
 * <p>Chosen over encrypted {@code ENC(…)} values (Jasypt): Karaf decrypts those only in Blueprint placeholders, and
 * a decrypting plugin would need its key in a file beside the secrets directory with the same protection, while
 * every start would have to wait for it (a required plugin) before any configuration is delivered.
 */
@Component(service = ConfigurationPlugin.class, property = {
        ConfigurationPlugin.CM_RANKING + ":Integer=100",
        "config.plugin.id=org.telehub.security.secret-placeholders"})
public final class SecretPlaceholderMask implements ConfigurationPlugin {

    /** A placeholder of a secret-bearing type that is not already escaped. */
    private static final Pattern SECRET = Pattern.compile("(?<!\\\\)\\$\\[(secret|env):");

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (reference != null) {
            return;
        }
        for (String key : Collections.list(properties.keys())) {
            Object value = properties.get(key);
            Object escaped = escape(value);
            if (escaped != value) {
                properties.put(key, escaped);
            }
        }
    }

    /** The value with its secret placeholders escaped; the same object if it has none. */
    static Object escape(Object value) {
        if (value instanceof String s) {
            Matcher m = SECRET.matcher(s);
            return m.find() ? m.replaceAll("\\\\\\$[$1:") : s;
        }
        if (value instanceof String[] a) {
            String[] out = a.clone();
            boolean changed = false;
            for (int i = 0; i < a.length; i++) {
                out[i] = (String) escape(a[i]);
                changed |= out[i] != a[i];
            }
            return changed ? out : value;
        }
        if (value instanceof List<?> list && list.stream().anyMatch(e -> e instanceof String)) {
            List<Object> out = list.stream().map(SecretPlaceholderMask::escape).toList();
            return out.equals(list) ? value : new java.util.ArrayList<>(out);
        }
        return value;
    }
}
