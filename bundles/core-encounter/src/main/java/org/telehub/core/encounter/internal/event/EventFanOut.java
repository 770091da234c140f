package org.telehub.core.encounter.internal.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.Sql;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * The {@link EventPublisher}: in the change's transaction, one durable work item per known subscriber on topic
 * {@code encounter.event.<subscriber>}, keyed (and ordered) by encounter, idempotency key
 * {@code <subscriber>:<sequence>}; and, for every {@link EncounterEventListener} registered on this node, a
 * {@link WorkHandler} of its topic that hands it the events.
 *
 * <p>Which subscribers exist is durable, not the set of services running now: a listener's name is recorded in
 * {@code encounter_subscriber} when it first registers, and from then on every event gets an item for it. A
 * subscriber whose bundle is being updated (or is stopped on every node) therefore misses nothing: its items wait,
 * uncounted, until its handler is back. The names are cached per node and re-read at most every
 * {@link #REFRESH_MILLIS}, so a subscriber first registered on another node gets events from this node within
 * that time (events before a subscriber's first registration are never sent to it). A subscriber removed for good
 * keeps getting items that nobody runs (the {@code work} health check says so after 10 minutes) until an
 * administrator {@link #retire retires} it ({@code telehub:subscriber-retire}).
 */
@Component(service = {EventPublisher.class, EventFanOut.class}, configurationPid = "org.telehub.encounter")
public class EventFanOut implements EventPublisher {
    public static final String TOPIC_PREFIX = "encounter.event.";
    static final long REFRESH_MILLIS = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,80}");
    private static final Logger LOG = LoggerFactory.getLogger(EventFanOut.class);

    private final EncounterDb db;
    private final WorkService work;
    private final BundleContext context;
    private final int consumers;
    private final Map<EncounterEventListener, ServiceRegistration<WorkHandler>> handlers = new ConcurrentHashMap<>();
    private volatile Set<String> names = Set.of();
    private volatile long namesReadAt;

    @Activate
    public EventFanOut(@Reference EncounterDb db, @Reference WorkService work, BundleContext context,
            EncounterConfig config) {
        this.db = db;
        this.work = work;
        this.context = context;
        this.consumers = config.consumers();
    }

    /** Tests: no OSGi; listeners are {@link #subscribe subscribed} and run through the given work service. */
    public EventFanOut(EncounterDb db, WorkService work) {
        this(db, work, null, 4);
    }

    private EventFanOut(EncounterDb db, WorkService work, BundleContext context, int consumers) {
        this.db = db;
        this.work = work;
        this.context = context;
        this.consumers = consumers;
    }

    @Override
    public Runnable publish(Handle tx, EncounterEvent event, Encounter current) {
        String json = EventJson.write(event);
        for (String name : names(tx)) {
            work.submit(tx, WorkRequest.of(TOPIC_PREFIX + name, json).withKey(event.encounterId())
                    .withIdempotencyKey(name + ":" + event.sequence()));
        }
        return () -> { }; // the work service wakes the items after the commit
    }

    private Set<String> names(Handle h) {
        if (System.currentTimeMillis() - namesReadAt > REFRESH_MILLIS) {
            names = Set.copyOf(h.createQuery("SELECT name FROM encounter_subscriber").mapTo(String.class).list());
            namesReadAt = System.currentTimeMillis();
        }
        return names;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(EncounterEventListener l) {
        WorkHandler h = subscribe(l);
        if (h != null && context != null) {
            handlers.put(l, context.registerService(WorkHandler.class, h, new java.util.Hashtable<>(Map.of(
                    WorkHandler.TOPIC, TOPIC_PREFIX + l.subscriberName(), WorkHandler.ORDERED, Boolean.TRUE,
                    WorkHandler.CONSUMERS, consumers))));
        }
    }

    void removeListener(EncounterEventListener l) {
        ServiceRegistration<WorkHandler> r = handlers.remove(l);
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle already
            }
        }
    }

    @Deactivate
    void close() {
        List.copyOf(handlers.keySet()).forEach(this::removeListener);
    }

    /** A subscriber on record: whether a listener of that name runs on this node, and its waiting events. */
    public record Subscriber(String name, Instant firstSeen, boolean runningHere, long waiting) {
    }

    public List<Subscriber> subscribers() {
        Set<String> here = new java.util.HashSet<>();
        handlers.keySet().forEach(l -> here.add(l.subscriberName()));
        Map<String, Long> waiting = new java.util.HashMap<>();
        work.counts().stream().filter(c -> c.state() == org.telehub.work.WorkState.PENDING
                && c.topic().startsWith(TOPIC_PREFIX))
                .forEach(c -> waiting.put(c.topic().substring(TOPIC_PREFIX.length()), c.count()));
        return db.jdbi().withHandle(h -> h.createQuery("SELECT name, first_seen FROM encounter_subscriber ORDER BY name")
                .map((rs, ctx) -> new Subscriber(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        here.contains(rs.getString(1)), waiting.getOrDefault(rs.getString(1), 0L)))
                .list());
    }

    /**
     * Retires a subscriber for good: no more events for it, and the events waiting for it are cancelled (one
     * that is running finishes). Refused while a listener of that name is registered on this node: stop or
     * uninstall its bundle first (it would register again). Another node's cached names follow within
     * {@link #REFRESH_MILLIS}; an event it fans out meanwhile waits for a handler, as it would have anyway.
     *
     * @return the number of waiting events cancelled; empty if there is no such subscriber
     * @throws IllegalStateException if a listener of that name runs on this node
     */
    public java.util.Optional<Integer> retire(String name) {
        if (handlers.keySet().stream().anyMatch(l -> name.equals(l.subscriberName()))) {
            throw new IllegalStateException("'" + name + "' is running on this node: stop its bundle first");
        }
        boolean known = db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM encounter_subscriber WHERE name = :n")
                .bind("n", name).execute()) == 1;
        namesReadAt = 0;
        if (!known) {
            return java.util.Optional.empty();
        }
        int cancelled = 0;
        while (true) {
            List<org.telehub.work.WorkItem> page = work.list(TOPIC_PREFIX + name, org.telehub.work.WorkState.PENDING,
                    1000);
            int n = db.jdbi().inTransaction(h -> {
                int c = 0;
                for (org.telehub.work.WorkItem i : page) {
                    c += work.cancelById(h, i.id()) ? 1 : 0;
                }
                return c;
            });
            cancelled += n;
            if (page.size() < 1000 || n == 0) {
                break;
            }
        }
        LOG.info("Encounter event subscriber '{}' retired; {} waiting event(s) cancelled", name, cancelled);
        return java.util.Optional.of(cancelled);
    }

    /**
     * Records the listener's name durably (first registration) and returns the handler of its topic, or null if
     * the name is unusable (logged).
     */
    public WorkHandler subscribe(EncounterEventListener l) {
        String name = l.subscriberName();
        if (name == null || !NAME.matcher(name).matches()) {
            LOG.error("Encounter event listener {} ignored: its subscriber name '{}' is not 1 to 80 of"
                    + " [A-Za-z0-9._-]", l.getClass().getName(), name);
            return null;
        }
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO encounter_subscriber (name, first_seen)"
                + " VALUES (:n, :t) ON CONFLICT (name) DO NOTHING").bind("n", name).bind("t", Sql.ts(Instant.now()))
                .execute());
        namesReadAt = 0; // re-read on the next change
        return item -> {
            l.onEvent(EventJson.read(item.payload()));
            return Verdict.done();
        };
    }
}
