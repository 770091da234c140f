package org.telehub.itests.lostroute;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Component;

/**
 * Hides the first registration of a service marked {@code telehub.itest.lost=true} from the JAX-RS whiteboard's
 * bundle: its service tracker never hears of it, as when Aries' tracker threw in the boot race. Later events (the
 * same component registered again) pass.
 */
// immediate: a delayed component would be disposed when its users let go (the resource bounced), and a new one would
// hide the next registration too
@Component(service = {EventListenerHook.class, HideFromWhiteboard.class}, immediate = true)
public class HideFromWhiteboard implements EventListenerHook {
    private final AtomicBoolean hidden = new AtomicBoolean();

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (event.getType() != ServiceEvent.REGISTERED
                || !"true".equals(String.valueOf(event.getServiceReference().getProperty("telehub.itest.lost")))
                || hidden.get()) {
            return;
        }
        if (listeners.keySet().removeIf(c -> "org.apache.aries.jax.rs.whiteboard".equals(
                c.getBundle().getSymbolicName()))) {
            hidden.set(true);
        }
    }
}
