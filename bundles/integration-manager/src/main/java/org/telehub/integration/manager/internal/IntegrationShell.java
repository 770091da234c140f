package org.telehub.integration.manager.internal;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.DomainException;

/**
 * What the {@code telehub:*} shell commands may do, registered as a service for Karaf's shell injection (the
 * commands live in another package of this bundle and see no more than this). The checks are the domain
 * services' own; their refusals become {@link IllegalArgumentException}s whose message the shell prints.
 */
@Component(service = IntegrationShell.class)
public class IntegrationShell {
    private final IntegrationService integration;
    private final DeliveryService deliveries;

    @Activate
    public IntegrationShell(@Reference IntegrationService integration, @Reference DeliveryService deliveries) {
        this.integration = integration;
        this.deliveries = deliveries;
    }

    public List<DeliveryService.DeliveryView> deliveries(String state, int limit) {
        return refused(() -> deliveries.list(state, null, null, limit));
    }

    /** Replays a dead delivery; returns what happened. */
    public String replay(String id) {
        return refused(() -> deliveries.replay(id).map(ok -> ok ? id + ": queued again"
                : id + ": not replayed, it is " + deliveries.get(id).map(d -> d.state().value()).orElse("gone"))
                .orElseThrow(() -> new IllegalArgumentException("No delivery " + id)));
    }

    public List<IntegrationService.AdapterStatus> status() {
        return integration.status();
    }

    /** Connects or disconnects one adapter or all; returns one line per adapter. */
    public String connectCommand(String id, boolean all, boolean connect) {
        if (all == (id != null)) {
            throw new IllegalArgumentException("Give an adapter id or --all (not both)");
        }
        List<IntegrationService.ConnectResult> results = all ? integration.all(connect)
                : List.of(integration.adapter(id).map(a -> integration.connection(a, connect))
                        .orElseThrow(() -> new IllegalArgumentException("No adapter '" + id + "' is installed")));
        return results.stream().map(r -> r.adapterId() + ": " + r.outcome() + (r.error() == null ? "" : " (" + r.error() + ")"))
                .collect(Collectors.joining("\n"));
    }

    /** A domain refusal as a shell message: the option at fault (as {@code --name}) and what to give instead. */
    private static <T> T refused(Supplier<T> call) {
        try {
            return call.get();
        } catch (DomainException e) {
            throw new IllegalArgumentException(e.field() == null ? e.detail() : "--" + e.field() + ": " + e.detail(), e);
        }
    }
}
