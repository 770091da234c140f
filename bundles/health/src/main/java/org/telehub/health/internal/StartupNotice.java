package org.telehub.health.internal;

import java.io.IOException;
import java.util.Dictionary;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.rest.RestApi;

/**
 * Tells whoever started the hub where to point a browser and how to log in, once the HTTP runtime is up. The runtime
 * is a target on the reference, not an injected object: an instance caught while Pax Web replaces it at start could
 * not be got and failed this component (a {@code FrameworkEvent ERROR} in the log).
 */
@Component(immediate = true, reference = @Reference(name = "runtime", service = JaxrsServiceRuntime.class))
public class StartupNotice {
    private static final Logger LOG = LoggerFactory.getLogger(StartupNotice.class);

    @Activate
    public StartupNotice(@Reference ConfigurationAdmin configAdmin) {
        String port = "8181";
        String securePort = null;
        try {
            Configuration web = configAdmin.getConfiguration("org.ops4j.pax.web", "?");
            Dictionary<String, Object> p = web.getProperties();
            if (p != null && p.get("org.osgi.service.http.port") != null) {
                port = p.get("org.osgi.service.http.port").toString();
            }
            if (p != null && "true".equals(String.valueOf(p.get("org.osgi.service.http.secure.enabled")))
                    && p.get("org.osgi.service.http.port.secure") != null) {
                securePort = p.get("org.osgi.service.http.port.secure").toString();
            }
        } catch (IOException e) {
            LOG.debug("cannot read the HTTP port", e);
        }
        String base = "http://localhost:" + port;
        String text = "\nTelehub is starting on " + base + "\n"
                + (securePort == null ? "" : "  Browsers:     https://localhost:" + securePort
                        + "/   (HTTPS: see \"Telehub HTTPS\" for the certificate's fingerprint)\n")
                + "  API:          " + base + RestApi.BASE + "   (OpenAPI: " + base + RestApi.BASE + "/openapi.json)\n"
                + "  Health:       " + base + RestApi.BASE + "/health\n"
                + "  Web console:  " + base + "/system/console   (Telehub administrators)\n"
                + "  Log in:       POST " + RestApi.BASE + "/auth/token {\"username\":\"admin\",\"password\":...};"
                + " the first start prints a generated admin password once, or set it in"
                + " etc/org.telehub.security.cfg\n";
        LOG.info(text);
        System.out.println(text);
    }
}
