package org.telehub.work.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.jms.ConnectionFactory;

import org.jdbi.v3.core.Handle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.messaging.Messaging;
import org.telehub.persistence.Database;
import org.telehub.work.TelehubExecutors;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * The {@link WorkService} of this node: migrates {@code work_item}, connects to the broker, follows
 * {@link WorkHandler} services and {@code org.telehub.work.topic} configurations. Its threads come from
 * {@link TelehubExecutors}, like any other bundle's.
 */
@Component(service = WorkService.class, configurationPid = "org.telehub.work", immediate = true)
@Designate(ocd = WorkConfig.class)
public class WorkComponent implements WorkService {
    private final WorkEngine engine;
    private final ArtemisTransport transport;
    private final Map<Object, Deferred> bound = new ConcurrentHashMap<>();

    @Activate
    public WorkComponent(BundleContext context, @Reference Database database,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory factory,
            @Reference TelehubExecutors executors, WorkConfig config) {
        database.migrate("work", context.getBundle(), "db/migration/work");
        this.transport = new ArtemisTransport(factory, executors.pool("work-sender", 1), config.idsPerMessage());
        this.engine = new WorkEngine(new WorkStore(database.jdbi()), transport, config, executors::pool);
        ScheduledExecutorService sweeper = executors.pool("work-sweeper", 1);
        sweeper.scheduleWithFixedDelay(engine::sweep, config.sweepSeconds(), config.sweepSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void close() {
        engine.close();
        transport.close();
        // the pools (sender, sweeper, topics) end with this bundle's use of TelehubExecutors
    }

    /**
     * Handlers are bound as {@link ComponentServiceObjects}, so binding one does not create it: a DS handler that
     * needs this service (a reminder, an invitation) would otherwise be created while this component is, and Felix
     * refuses that cycle ("ServiceFactory.getService() resulted in a cycle"), leaving the handler, and whatever
     * else it provides, unbound. The handler object is taken on its topic's first item, on a pool thread.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = WorkHandler.class)
    void addHandler(ComponentServiceObjects<WorkHandler> objects, Map<String, Object> properties) {
        Deferred d = new Deferred(objects);
        Deferred old = bound.put(properties.get(Constants.SERVICE_ID), d);
        if (old != null) {
            engine.removeHandler(old, properties);
            old.release();
        }
        engine.addHandler(d, properties);
    }

    void removeHandler(ComponentServiceObjects<WorkHandler> objects, Map<String, Object> properties) {
        Deferred d = bound.remove(properties.get(Constants.SERVICE_ID));
        if (d != null) {
            engine.removeHandler(d, properties);
            d.release();
        }
    }

    /** A handler service, got on first use and released when it leaves. */
    static final class Deferred implements WorkHandler {
        private final ComponentServiceObjects<WorkHandler> objects;
        private WorkHandler handler;
        private boolean released;

        Deferred(ComponentServiceObjects<WorkHandler> objects) {
            this.objects = objects;
        }

        private synchronized WorkHandler handler() {
            if (released) {
                throw new IllegalStateException("the work handler has left");
            }
            if (handler == null) {
                handler = objects.getService();
                if (handler == null) {
                    throw new IllegalStateException("the work handler service could not be got");
                }
            }
            return handler;
        }

        @Override
        public Verdict handle(WorkItem item) throws Exception {
            return handler().handle(item);
        }

        synchronized void release() {
            released = true;
            if (handler != null) {
                try {
                    objects.ungetService(handler);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    // the handler's bundle is already gone
                }
                handler = null;
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTopic(TopicSettings s) {
        engine.setConfig(s.config);
    }

    void removeTopic(TopicSettings s) {
        engine.removeConfig(s.config);
    }

    @Override
    public String submit(Handle tx, WorkRequest request) {
        return engine.submit(tx, request);
    }

    @Override
    public List<String> submitAll(Handle tx, List<WorkRequest> requests) {
        return engine.submitAll(tx, requests);
    }

    @Override
    public boolean cancel(Handle tx, String topic, String idempotencyKey) {
        return engine.cancel(tx, topic, idempotencyKey);
    }

    @Override
    public boolean cancelById(Handle tx, String id) {
        return engine.cancelById(tx, id);
    }

    @Override
    public Optional<WorkItem> find(String id) {
        return engine.find(id);
    }

    @Override
    public java.util.Map<String, WorkItem> find(java.util.Collection<String> ids) {
        return engine.find(ids);
    }

    @Override
    public List<WorkItem> list(String topic, WorkState state, int limit) {
        return engine.list(topic, state, limit);
    }

    @Override
    public Optional<Boolean> replay(String id) {
        return engine.replay(id);
    }

    @Override
    public List<Count> counts() {
        return engine.counts();
    }
}
