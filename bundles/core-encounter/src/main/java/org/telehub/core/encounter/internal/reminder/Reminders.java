package org.telehub.core.encounter.internal.reminder;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.jms.ConnectionFactory;
import javax.jms.JMSException;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.Notification;
import org.telehub.core.encounter.NotificationChannel;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.EncounterStore;
import org.telehub.core.encounter.internal.encounter.Lifecycle;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.core.encounter.internal.reminder.ReminderStore.Reminder;
import org.telehub.core.encounter.internal.work.WorkQueue;
import org.telehub.messaging.Messaging;

/**
 * Reminders before a visit. Booking writes one row per configured offset still ahead, in the booking's
 * transaction; after the commit each gets a persistent Artemis message scheduled for its due time, so a reminder
 * survives restarts and is sent by whichever node takes the message. Cancelling or rescheduling closes the pending
 * rows in the same transaction as the change (a message that arrives for a closed row does nothing); a message
 * lost between commit and send is found by the sweeper and the reminder goes out late, not never.
 *
 * <p>A subscriber of encounter events ({@link #onEvent}): booked and rescheduled visits get reminders, a
 * reschedule replaces the pending ones, a visit that starts, ends, is cancelled or missed closes them.
 */
@Component(service = Reminders.class, configurationPid = "org.telehub.encounter")
public class Reminders {
    public static final String QUEUE = "telehub.encounter.reminder";
    private static final Logger LOG = LoggerFactory.getLogger(Reminders.class);

    private final EncounterDb db;
    private final JoinLinks links;
    private final List<Duration> offsets;
    /** How long past due a pending reminder may stay before the sweeper assumes its message is lost. */
    private final long lostAfterSeconds;
    private final WorkQueue queue;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();

    @Activate
    public Reminders(@Reference EncounterDb db, @Reference JoinLinks links,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory factory, EncounterConfig config)
            throws JMSException {
        this.db = db;
        this.links = links;
        this.offsets = offsets(config.reminderOffsets());
        this.lostAfterSeconds = config.lostAfterSeconds();
        this.queue = new WorkQueue(factory, QUEUE, config.consumers(), this::process, this::lost,
                config.sweepSeconds());
    }

    /** Without a broker (tests): nothing is queued; {@link #process} is called directly. */
    public Reminders(EncounterDb db, JoinLinks links, List<Duration> offsets) {
        this.db = db;
        this.links = links;
        this.offsets = offsets;
        this.lostAfterSeconds = 60;
        this.queue = null;
    }

    @Deactivate
    void close() {
        queue.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addChannel(NotificationChannel c) {
        channels.add(c);
    }

    void removeChannel(NotificationChannel c) {
        channels.remove(c);
    }

    public static List<Duration> offsets(String[] values) {
        List<Duration> out = new ArrayList<>();
        // a .cfg file gives one comma-separated string, the web console a list
        for (String v : String.join(",", values).split(",")) {
            if (v.isBlank()) {
                continue;
            }
            try {
                Duration d = Duration.parse(v.trim());
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("reminderOffsets: '" + v + "' must be positive");
                }
                out.add(d);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("reminderOffsets: '" + v + "' is not an ISO-8601 duration such as"
                        + " PT24H or PT15M", e);
            }
        }
        return out;
    }

    /**
     * In the change's transaction: writes the reminder rows the event calls for; returns what to queue after the
     * commit.
     */
    public Runnable onEvent(Handle h, EncounterEvent event, Encounter current) {
        Instant now = event.occurredAt();
        List<Reminder> planned = switch (event.type()) {
            case BOOKED -> plan(h, current, now);
            case RESCHEDULED -> {
                ReminderStore.close(h, current.id(), "replaced", "the visit was rescheduled", now);
                yield plan(h, current, now);
            }
            case STARTED, COMPLETED, CANCELLED, NO_SHOW -> {
                ReminderStore.close(h, current.id(), "cancelled", "the visit is "
                        + current.status().replace('_', ' '), now);
                yield List.of();
            }
            default -> List.of();
        };
        return planned.isEmpty() ? () -> { } : () -> schedule(planned);
    }

    /** One pending row per offset whose time is still ahead. */
    private List<Reminder> plan(Handle h, Encounter e, Instant now) {
        List<Reminder> out = new ArrayList<>();
        for (Duration d : offsets) {
            Instant due = e.scheduledStart().minus(d);
            if (due.isAfter(now)) {
                Reminder r = new Reminder(UUID.randomUUID().toString(), e.id(), d.getSeconds(), due, "pending", null,
                        now, null);
                ReminderStore.insert(h, r);
                out.add(r);
            }
        }
        return out;
    }

    /** After the commit. */
    private void schedule(List<Reminder> planned) {
        if (queue != null) {
            queue.send(planned.stream().map(r -> new WorkQueue.Work(r.id(), r.dueAt())).toList());
        }
    }

    public List<Reminder> list(String encounterId) {
        return db.jdbi().withHandle(h -> ReminderStore.of(h, encounterId));
    }

    public void process(String id) {
        Instant now = Instant.now();
        Optional<Reminder> found = db.jdbi().withHandle(h -> ReminderStore.get(h, id));
        if (found.isEmpty() || !found.get().state().equals("pending")) {
            return; // cancelled, replaced, or sent already: nothing to do
        }
        if (found.get().dueAt().isAfter(now.plusSeconds(5))) {
            return; // early duplicate; the scheduled message or the sweeper comes back for it
        }
        if (!db.jdbi().withHandle(h -> ReminderStore.claim(h, id, now))) {
            return; // another worker or node has it
        }
        String state;
        String detail;
        try {
            String[] result = send(found.get());
            state = result[0];
            detail = result[1];
        } catch (RuntimeException e) {
            state = "failed";
            detail = "error: " + e.getMessage();
            LOG.warn("Reminder {} failed", id, e);
        }
        String s = state;
        String d = detail;
        db.jdbi().useHandle(h -> ReminderStore.finish(h, id, s, d, Instant.now()));
    }

    private record Loaded(Encounter e, Doctor d, Patient p) {
    }

    private String[] send(Reminder r) {
        Loaded l = db.jdbi().withHandle(h -> {
            Encounter e = EncounterStore.encounter(h, r.encounterId()).orElseThrow();
            return new Loaded(e, PeopleStore.doctor(h, e.doctorId()).orElseThrow(),
                    PeopleStore.patient(h, e.patientId()).orElseThrow());
        });
        if (!Lifecycle.upcoming(l.e().status())) {
            return new String[] {"cancelled", "the visit is " + l.e().status()};
        }
        if (channels.isEmpty()) {
            return new String[] {"failed", "no notification channel is installed"};
        }
        Instant start = l.e().scheduledStart();
        ZoneId dz = ZoneId.of(l.d().timeZone());
        ZoneId pz = l.p().timeZone() == null ? dz : ZoneId.of(l.p().timeZone());
        java.util.Map<String, String> join = links.links(l.e(), l.d().displayName(), l.p().displayName());
        List<Notification> out = List.of(
                new Notification("reminder", l.e().id(), "patient", l.p().id(), l.p().displayName(), l.p().email(),
                        l.p().phone(), "Your visit with " + l.d().displayName() + " at " + when(start, pz),
                        text(l.e(), pz, join.get("patient")), start),
                new Notification("reminder", l.e().id(), "doctor", l.d().id(), l.d().displayName(), null, null,
                        "Visit with " + l.p().displayName() + " at " + when(start, dz),
                        text(l.e(), dz, join.get("doctor")), start));
        List<String> sent = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (NotificationChannel c : channels) {
            for (Notification n : out) {
                try {
                    if (c.send(n)) {
                        sent.add(c.name() + ":" + n.recipientRole());
                    }
                } catch (Exception e) {
                    errors.add(c.name() + ":" + n.recipientRole() + ": " + e.getMessage());
                }
            }
        }
        if (sent.isEmpty()) {
            return new String[] {"failed", errors.isEmpty() ? "no channel could reach the patient or the doctor"
                    : String.join("; ", errors)};
        }
        return new String[] {"sent", String.join(", ", sent) + (errors.isEmpty() ? "" : "; failed: "
                + String.join("; ", errors))};
    }

    private static String when(Instant t, ZoneId zone) {
        return DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm (VV)", Locale.ENGLISH).format(t.atZone(zone));
    }

    private static String text(Encounter e, ZoneId zone, String link) {
        String s = "Your " + e.type().replace('_', ' ') + " visit starts " + when(e.scheduledStart(), zone) + ".";
        return link == null ? s : s + " Join: " + link;
    }

    /** Reminders left sending by a crash are pending again; overdue pending ones (message lost) are returned. */
    private List<String> lost() {
        return db.jdbi().inTransaction(h -> ReminderStore.overdue(h, Instant.now(), lostAfterSeconds));
    }
}
