package org.telehub.adapter.hl7v2.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.SystemType;
import org.telehub.work.TelehubExecutors;
import org.telehub.work.WorkService;

/**
 * One HL7 v2 interface (a factory configuration {@code etc/org.telehub.adapter.hl7v2-NAME.cfg}): its MLLP listener
 * runs while the component is active; {@link #disconnect()} stops listening (senders queue on their side) and
 * {@link #connect()} starts again.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.hl7v2",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Hl7Config.class, factory = true)
public class Hl7Adapter implements Adapter {
    private static final Logger LOG = LoggerFactory.getLogger(Hl7Adapter.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final AdapterInfo info;
    private final Counters counters = new Counters();
    private final Listener listener;
    private final Duration silence;
    private final Instant started = Instant.now();
    private volatile String lastError;

    @Activate
    public Hl7Adapter(Hl7Config config, @Reference Hl7Schema schema, @Reference WorkService work,
            @Reference TelehubExecutors executors) throws IOException {
        if (config.id() == null || !ID.matcher(config.id()).matches()) {
            throw new IllegalArgumentException("id: 1 to 64 letters, digits, . _ - (got '" + config.id() + "')");
        }
        String version = FrameworkUtil.getBundle(Hl7Adapter.class) == null ? "dev"
                : FrameworkUtil.getBundle(Hl7Adapter.class).getVersion().toString();
        info = new AdapterInfo(config.id(), SystemType.EHR, config.vendor(), "HL7 v2 over MLLP", version);
        Inbound inbound = new Inbound(config.id(), new Codec(), schema.jdbi(), work, new Inbound.Settings(
                config.application(), config.facility(), Charset.forName(config.charset()), config.identifierType(),
                config.maxMessageBytes()), counters);
        listener = new Listener(config.id(), new InetSocketAddress(InetAddress.getByName(config.bindAddress()),
                config.port()), config.maxConnections(), config.stallSeconds() * 1000, config.maxMessageBytes(),
                inbound, counters, executors.pool("hl7-" + config.id() + "-" + config.maxConnections(),
                        config.maxConnections() + 1));
        silence = config.silentMinutes() > 0 ? Duration.ofMinutes(config.silentMinutes()) : null;
        try {
            listener.start();
        } catch (IOException e) {
            lastError = "cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage();
            LOG.error("HL7 v2 {}: {}", config.id(), lastError);
        }
    }

    @Deactivate
    void close() {
        listener.close();
        LOG.info("HL7 v2 {} stopped ({})", info.id(), counters.summary());
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() throws AdapterException {
        try {
            listener.start();
            lastError = null;
        } catch (IOException e) {
            lastError = "cannot listen: " + e.getMessage();
            throw new AdapterException(lastError, true);
        }
    }

    @Override
    public void disconnect() {
        listener.close();
    }

    @Override
    public AdapterHealth health() {
        Instant now = Instant.now();
        if (!listener.listening()) {
            return new AdapterHealth(AdapterHealth.State.DOWN, "not listening; " + counters.summary(), lastError,
                    null, now);
        }
        Instant last = counters.lastMessage.get();
        if (silence != null && (last == null ? started : last).plus(silence).isBefore(now)) {
            return new AdapterHealth(AdapterHealth.State.DEGRADED, "silent: no message since "
                    + (last == null ? "the start, " + started : last) + "; " + counters.summary(), lastError, null,
                    now);
        }
        return new AdapterHealth(AdapterHealth.State.UP, "listening, " + listener.openConnections()
                + " connections; " + counters.summary(), lastError, null, now);
    }

    Counters counters() {
        return counters;
    }
}
