package org.telehub.adapter.hl7v2.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.ExternalBookings;
import org.telehub.core.encounter.VisitContacts;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.identities.SystemIdentities;

/**
 * Visit status out: each encounter event that changes a visit's place in the calendar goes to every interface that
 * sends visit status ({@code hl7_visit_status}) and knows the patient (their identifier in that system), as SIU:
 * booked S12, rescheduled S13, started and completed S14, cancelled S15, no-show S26. A change the interface's own
 * scheduler made is not echoed back to it. The events come durably, at least once and in order per visit; a message
 * a receiver answered before is not sent again (the store knows its control id, derived from the interface and the
 * event), so an event handled twice, or again for the one interface whose receiver was down, sends each message once.
 * An interface configured on another node only, or restarting, keeps the event waiting (retried), never skipped.
 * It subscribes only while an interface on this node sends visit status ({@link #subscribe}).
 */
@Component(service = {})
public class VisitStatus implements EncounterEventListener {
    static final String NAME = "hl7v2-visit-status";
    private static final Logger LOG = LoggerFactory.getLogger(VisitStatus.class);
    /** The SIU event and the filler status (HL7 table 0278) of each event that is told. */
    private static final Map<EncounterEventType, List<String>> SIU = Map.of(
            EncounterEventType.BOOKED, List.of("S12", "Booked"),
            EncounterEventType.RESCHEDULED, List.of("S13", "Booked"),
            EncounterEventType.STARTED, List.of("S14", "Started"),
            EncounterEventType.COMPLETED, List.of("S14", "Complete"),
            EncounterEventType.CANCELLED, List.of("S15", "Cancelled"),
            EncounterEventType.NO_SHOW, List.of("S26", "Noshow"));

    private final Jdbi jdbi;
    private final VisitContacts visits;
    private final SystemIdentities identities;
    private final ExternalBookings bookings;
    private final Interfaces interfaces;

    private final BundleContext context;
    private final Runnable watcher = this::subscribe;
    private ServiceRegistration<EncounterEventListener> registration;

    @Activate
    public VisitStatus(BundleContext context, @Reference Hl7Schema schema, @Reference VisitContacts visits,
            @Reference SystemIdentities identities, @Reference ExternalBookings bookings,
            @Reference Interfaces interfaces) {
        this.context = context;
        this.jdbi = schema.jdbi();
        this.visits = visits;
        this.identities = identities;
        this.bookings = bookings;
        this.interfaces = interfaces;
        interfaces.watch(watcher);
        subscribe();
    }

    /**
     * Subscribes to encounter events while an interface on this node sends visit status, and withdraws when none
     * does. A subscriber once seen is durable (every later event gets a work item for it until an administrator
     * retires it), so an HL7 installation that never sends visit status never becomes one; events while withdrawn
     * wait as work items, none is lost.
     */
    private synchronized void subscribe() {
        if (interfaces.anyTellsVisits() && registration == null && context != null) {
            registration = context.registerService(EncounterEventListener.class, this, new Hashtable<>(Map.of(
                    EncounterEventListener.SUBSCRIBER, NAME)));
        } else if (!interfaces.anyTellsVisits() && registration != null) {
            unsubscribe();
        }
    }

    @Deactivate
    synchronized void close() {
        interfaces.unwatch(watcher);
        unsubscribe();
    }

    private void unsubscribe() {
        ServiceRegistration<EncounterEventListener> r = registration;
        registration = null;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle already
            }
        }
    }

    @Override
    public String subscriberName() {
        return NAME;
    }

    @Override
    public void onEvent(EncounterEvent event) throws Exception {
        List<String> siu = SIU.get(event.type());
        if (siu == null) {
            return;
        }
        List<String> told = jdbi.withHandle(h -> h.createQuery("SELECT adapter_id FROM hl7_visit_status ORDER BY"
                + " adapter_id").mapTo(String.class).list());
        if (told.isEmpty()) {
            return;
        }
        Optional<VisitContacts.Visit> found = visits.of(event.encounterId());
        if (found.isEmpty()) {
            return;
        }
        VisitContacts.Visit v = found.get();
        Instant start = time(event, "scheduledStart", v.scheduledStart());
        Instant end = time(event, "scheduledEnd", v.scheduledEnd() == null ? start : v.scheduledEnd());
        List<String> waiting = new ArrayList<>();
        for (String id : told) {
            if (event.actor().equals("system:hl7:" + id)) {
                continue; // its own scheduler made this change: it knows
            }
            Optional<String> patient = jdbi.withHandle(h -> identities.identifier(h, id, v.patient().id()));
            if (patient.isEmpty()) {
                continue; // a patient this system does not know
            }
            Optional<Hl7Adapter> a = interfaces.get(id);
            if (a.isEmpty()) {
                waiting.add(id + ": not running on this node");
                continue;
            }
            String doctor = a.get().doctorId(v.doctor().username());
            Outbound.Visit message = new Outbound.Visit(siu.get(0), siu.get(1), v.encounterId(),
                    bookings.appointment(id, v.encounterId()).orElse(null), start, end, v.type(),
                    doctor == null ? v.doctor().id() : doctor, v.doctor().displayName());
            try {
                a.get().visitStatus(patient.get(), message, "visit:" + id + ":" + event.sequence());
            } catch (AdapterException e) {
                if (e.retryable()) {
                    waiting.add(id + ": " + e.getMessage());
                } else {
                    // refused (AR) or unbuildable: final, and kept in the message store with the receiver's words
                    LOG.warn("HL7 v2 {}: visit status of {} not taken: {}", id, v.encounterId(), e.getMessage());
                }
            }
        }
        if (!waiting.isEmpty()) {
            throw new AdapterException("visit status of " + v.encounterId() + " waits for " + waiting, true);
        }
    }

    /** The time the event carries (booked, rescheduled), else the visit's as it is now. */
    private static Instant time(EncounterEvent e, String key, Instant now) {
        Object v = e.payload().get(key);
        return v == null ? now : Instant.parse(v.toString());
    }
}
