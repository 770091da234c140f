package org.telehub.tls.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.GeneralSecurityException;
import java.util.Dictionary;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets HTTPS up before Pax Web starts, so that a first start never rebuilds Jetty while the other bundles register
 * their servlets. Pax Web 8.0.34 rebuilding its server (a change of {@code org.ops4j.pax.web}) while another thread
 * registers a whiteboard element deadlocks it with the Aries JAX-RS whiteboard (the rebuild holds the JAX-RS
 * registry and waits for the HTTP whiteboard's lock; the registration holds that lock and waits for the registry),
 * and the hub then answers 404 for good: seen in CI, reproduced here with a thread dump (ARCHITECTURE.md "HTTPS").
 *
 * <p>The bundle starts at level 20 (the feature says so), after Config Admin (10) and before Pax Web and SCR (30);
 * this pass decides the certificate and writes Pax Web's settings the way {@link TlsSetup} does, so Jetty's first
 * start already has them and the component later finds nothing to change. It needs only Config Admin and the
 * configuration Karaf loaded from etc; when either is missing, or Pax Web already runs (an install or refresh at run
 * time), it leaves everything to the component.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class EarlyStart implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStart.class);

    @Override
    public void start(BundleContext context) {
        try {
            early(context);
        } catch (RuntimeException | LinkageError e) {
            // never fail the bundle's start: the component does the work and reports what is wrong
            LOG.info("HTTPS: not set up before Pax Web ({}); the tls component does it", e.toString());
        }
    }

    private void early(BundleContext context) {
        if (context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime") != null) {
            // Pax Web already runs (the feature installed or the bundle refreshed at run time): changing its
            // configuration now would rebuild it, which is the component's to do, once, after its filter is in
            return;
        }
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        if (ref == null) {
            LOG.info("HTTPS: no Config Admin yet; the tls component sets HTTPS up");
            return;
        }
        ConfigurationAdmin configAdmin = context.getService(ref);
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "="
                    + TlsSetup.PID + ")");
            if (found == null || found.length == 0) {
                LOG.info("HTTPS: etc/{}.cfg not loaded yet; the tls component sets HTTPS up", TlsSetup.PID);
                return;
            }
            // processed: $[secret:…] resolved by the interpolation plugin, as the component would get them
            new TlsSetup(context, configAdmin).prepare(config(found[0].getProcessedProperties(ref)));
        } catch (IOException | GeneralSecurityException | InvalidSyntaxException e) {
            // the component tries again and reports it (health check, console)
            LOG.info("HTTPS: not set up before Pax Web ({}); the tls component does it", e.toString());
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // nothing held
    }

    /**
     * The configuration as the component would see it: each property by its component property type name (a
     * leading {@code _} is a {@code .}, as DS maps it), else the annotation's default.
     */
    static TlsConfig config(Dictionary<String, Object> props) {
        return (TlsConfig) Proxy.newProxyInstance(TlsConfig.class.getClassLoader(), new Class<?>[] {TlsConfig.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "annotationType":
                            return TlsConfig.class;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "TlsConfig from " + TlsSetup.PID;
                        default:
                            break;
                    }
                    Object v = props == null ? null : props.get(key(method));
                    return v == null ? method.getDefaultValue() : convert(v, method.getReturnType());
                });
    }

    static String key(Method m) {
        String n = m.getName();
        return n.startsWith("_") ? "." + n.substring(1) : n;
    }

    private static Object convert(Object v, Class<?> type) {
        if (v.getClass().isArray()) {
            v = Array.getLength(v) == 0 ? "" : Array.get(v, 0);
        }
        String s = v.toString().trim();
        if (type == boolean.class) {
            return Boolean.parseBoolean(s);
        } else if (type == int.class) {
            return Integer.parseInt(s);
        } else if (type == long.class) {
            return Long.parseLong(s);
        }
        return v.toString();
    }
}
