package org.telehub.core.encounter.internal.reminder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.EncounterStore;
import org.telehub.core.encounter.internal.encounter.Lifecycle;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.core.encounter.internal.reminder.ReminderStore.Reminder;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.security.AccountContacts;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * Reminders before a visit: a subscriber of encounter events ({@value #SUBSCRIBER}) and the handler of their work
 * items. A booked or rescheduled visit gets one work item per configured offset still ahead, on topic
 * {@value #TOPIC} with {@code notBefore} = its due time, so the work service keeps it across restarts and runs it on
 * whichever node is up then; a reschedule, start, end, cancellation or no-show cancels the pending ones
 * ({@link WorkService#cancel}) in the transaction that handles the event. Everything is keyed by the event's
 * sequence, so an event handed twice plans nothing twice.
 *
 * <p>The reminder's state is its work item's; the API shows it in the words it always used ({@link #state}).
 *
 * <p>Channels are the {@link NotificationChannel} services not marked {@code enabled=false} (the email and SMS
 * channels ship disabled; the logging channel exists only when configured). A channel that throws makes the run a
 * {@link Verdict#retry}: the work service runs it again after 30 s, 60 s, 120 s, 240 s and then marks it dead, its
 * reason on the reminder's view meanwhile. What already went out is remembered on the reminder ({@value #PROGRESS}
 * in its detail) and not sent twice. Nothing to send through (no channel configured) or nobody reachable (no
 * address on file) cannot get better by retrying: the reminder fails at once, with that reason.
 */
@Component(service = {Reminders.class, EncounterEventListener.class, WorkHandler.class},
        configurationPid = "org.telehub.encounter",
        property = {EncounterEventListener.SUBSCRIBER + "=" + Reminders.SUBSCRIBER,
            WorkHandler.TOPIC + "=" + Reminders.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=5",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=30000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=300000"})
public class Reminders implements EncounterEventListener, WorkHandler {
    public static final String SUBSCRIBER = "reminders";
    public static final String TOPIC = "encounter.reminder";
    /** Languages with reminder texts (messages*.properties beside this class). */
    public static final List<String> LANGUAGES = Texts.LANGUAGES;
    /** Prefix of a reminder's detail while some channels have sent and others are to be retried. */
    static final String PROGRESS = "sent so far: ";
    static final String NOT_CONFIGURED = "no notification channel is configured: enable email"
            + " (etc/org.telehub.notify.email.cfg) or SMS (etc/org.telehub.notify.sms.cfg), or choose the logging"
            + " channel (etc/org.telehub.notify.log.cfg)";

    private final EncounterDb db;
    private final JoinLinks links;
    private final WorkService work;
    private final List<Duration> offsets;
    private final Texts texts;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();
    private volatile AccountContacts contacts;

    @Activate
    public Reminders(@Reference EncounterDb db, @Reference JoinLinks links, @Reference WorkService work,
            EncounterConfig config) {
        this(db, links, work, offsets(config.reminderOffsets()), config.reminderLanguage());
    }

    public Reminders(EncounterDb db, JoinLinks links, WorkService work, List<Duration> offsets) {
        this(db, links, work, offsets, "en");
    }

    public Reminders(EncounterDb db, JoinLinks links, WorkService work, List<Duration> offsets, String language) {
        this.db = db;
        this.links = links;
        this.work = work;
        this.offsets = offsets;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("reminderLanguage: '" + language + "' is not one of " + LANGUAGES);
        }
        this.texts = Texts.of(language);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(enabled=false))")
    public void addChannel(NotificationChannel c) {
        channels.add(c);
    }

    void removeChannel(NotificationChannel c) {
        channels.remove(c);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void setContacts(AccountContacts c) {
        contacts = c;
    }

    void unsetContacts(AccountContacts c) {
        if (contacts == c) {
            contacts = null;
        }
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

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    /** Plans or cancels reminders in one transaction; handed twice, it changes nothing the second time. */
    @Override
    public void onEvent(EncounterEvent event) {
        db.jdbi().useTransaction(h -> {
            switch (event.type()) {
                case BOOKED -> plan(h, event);
                case RESCHEDULED -> {
                    cancel(h, event.encounterId(), "the visit was rescheduled");
                    plan(h, event);
                }
                case STARTED, COMPLETED, CANCELLED, NO_SHOW -> cancel(h, event.encounterId(), "the visit is "
                        + String.valueOf(event.payload().get("to")).replace('_', ' '));
                default -> {
                }
            }
        });
    }

    /** One reminder per offset whose time is still ahead of the change. */
    private void plan(Handle h, EncounterEvent event) {
        Instant start = Instant.parse(String.valueOf(event.payload().get("scheduledStart")));
        for (Duration d : offsets) {
            Instant due = start.minus(d);
            if (!due.isAfter(event.occurredAt())) {
                continue;
            }
            String id = UUID.nameUUIDFromBytes((event.encounterId() + ":" + event.sequence() + ":" + d.getSeconds())
                    .getBytes(StandardCharsets.UTF_8)).toString();
            String workId = work.submit(h, WorkRequest.of(TOPIC, id).notBefore(due).withIdempotencyKey(id));
            ReminderStore.insert(h, new Reminder(id, event.encounterId(), d.getSeconds(), due, workId, null,
                    event.occurredAt(), null));
        }
    }

    private void cancel(Handle h, String encounterId, String why) {
        for (Reminder r : ReminderStore.of(h, encounterId)) {
            if (work.cancel(h, TOPIC, r.id())) {
                ReminderStore.detail(h, r.id(), why);
            }
        }
    }

    /** A reminder as the API shows it: its work item's state in the reminder's words. */
    public record View(Reminder reminder, String state, String detail) {
    }

    public List<View> list(String encounterId) {
        List<Reminder> rows = db.jdbi().withHandle(h -> ReminderStore.of(h, encounterId));
        Map<String, WorkItem> items = work.find(rows.stream().map(Reminder::workId).toList());
        return rows.stream().map(r -> {
            Optional<WorkItem> w = Optional.ofNullable(items.get(r.workId()));
            String state = w.map(i -> state(i.state())).orElseGet(() -> pruned(r));
            return new View(r, state, detail(r, state, w.map(WorkItem::lastError).orElse(null)));
        }).toList();
    }

    /** Why it is waiting or failed (the last attempt's reason) and what went out so far; else the reminder's own. */
    static String detail(Reminder r, String state, String lastError) {
        boolean open = state.equals("pending") || state.equals("sending") || state.equals("failed");
        if (open && lastError != null) {
            return r.detail() == null ? lastError : lastError + " (" + r.detail() + ")";
        }
        return r.detail() != null ? r.detail() : lastError;
    }

    /**
     * The state of a reminder whose work item was pruned (done and cancelled items go after the work service's
     * {@code keepFinishedHours}; dead ones stay): sent if it was, else cancelled (the reason is its detail).
     */
    static String pruned(Reminder r) {
        return r.sentAt() != null ? "sent" : r.detail() != null ? "cancelled" : "unknown";
    }

    static String state(WorkState s) {
        return switch (s) {
            case PENDING -> "pending";
            case RUNNING -> "sending";
            case DONE -> "sent";
            case DEAD -> "failed";
            case CANCELLED -> "cancelled";
        };
    }

    /** Sends one reminder through every channel; see the class comment for what is retried. */
    @Override
    public Verdict handle(WorkItem item) {
        Optional<Reminder> found = db.jdbi().withHandle(h -> ReminderStore.get(h, item.payload()));
        if (found.isEmpty()) {
            return Verdict.done(); // its encounter is gone
        }
        Reminder r = found.get();
        Outcome o = send(r);
        return switch (o.verdict()) {
            case DONE -> {
                db.jdbi().useHandle(h -> ReminderStore.sent(h, r.id(), o.detail(), Instant.now()));
                yield Verdict.done();
            }
            case RETRY -> {
                if (!o.sent().isEmpty()) {
                    db.jdbi().useHandle(h -> ReminderStore.detail(h, r.id(), PROGRESS + String.join(", ",
                            o.sent())));
                }
                yield Verdict.retry(o.detail());
            }
            case GIVE_UP -> Verdict.giveUp(o.detail());
        };
    }

    /** What one run did: every (channel, recipient) sent so far, and the verdict with its reason or summary. */
    record Outcome(Verdict.Outcome verdict, String detail, List<String> sent) {
    }

    private record Loaded(Encounter e, Doctor d, Patient p) {
    }

    Outcome send(Reminder r) {
        Loaded l = db.jdbi().withHandle(h -> {
            Encounter e = EncounterStore.encounter(h, r.encounterId()).orElseThrow();
            return new Loaded(e, PeopleStore.doctor(h, e.doctorId()).orElseThrow(),
                    PeopleStore.patient(h, e.patientId()).orElseThrow());
        });
        if (!Lifecycle.upcoming(l.e().status())) {
            return new Outcome(Verdict.Outcome.GIVE_UP, "the visit is " + l.e().status(), List.of());
        }
        if (channels.isEmpty()) {
            return new Outcome(Verdict.Outcome.GIVE_UP, NOT_CONFIGURED, List.of());
        }
        Instant start = l.e().scheduledStart();
        ZoneId dz = ZoneId.of(l.d().timeZone());
        ZoneId pz = l.p().timeZone() == null ? dz : ZoneId.of(l.p().timeZone());
        java.util.Map<String, String> join = links.links(l.e(), l.d().displayName(), l.p().displayName());
        List<Notification> out = List.of(
                new Notification("reminder", l.e().id(), "patient", l.p().id(), l.p().displayName(), l.p().email(),
                        l.p().phone(), format("patient.subject", l.d().displayName(), when(start, pz)),
                        text(l.e(), pz, join.get("patient")), start),
                new Notification("reminder", l.e().id(), "doctor", l.d().id(), l.d().displayName(),
                        doctorEmail(l.d()), null,
                        format("doctor.subject", l.p().displayName(), when(start, dz)),
                        text(l.e(), dz, join.get("doctor")), start));
        // a retry sends only what did not go out before
        List<String> sent = new ArrayList<>();
        if (r.detail() != null && r.detail().startsWith(PROGRESS)) {
            sent.addAll(List.of(r.detail().substring(PROGRESS.length()).split(", ")));
        }
        List<String> errors = new ArrayList<>();
        for (NotificationChannel c : channels) {
            for (Notification n : out) {
                String what = c.name() + ":" + n.recipientRole();
                if (sent.contains(what)) {
                    continue;
                }
                try {
                    if (c.send(n)) {
                        sent.add(what);
                    }
                } catch (Exception e) {
                    errors.add(what + ": " + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            return new Outcome(Verdict.Outcome.RETRY, String.join("; ", errors), sent);
        }
        if (sent.isEmpty()) {
            return new Outcome(Verdict.Outcome.GIVE_UP, "no channel could reach the patient or the doctor (no email"
                    + " or phone on file for " + channels.stream().map(NotificationChannel::name).toList() + ")",
                    sent);
        }
        return new Outcome(Verdict.Outcome.DONE, String.join(", ", sent), sent);
    }

    /** A doctor is reached at the e-mail address of their account, if it has one (doctor records keep none). */
    private String doctorEmail(Doctor d) {
        AccountContacts a = contacts;
        return a == null || d.username() == null ? null : a.email(d.username()).orElse(null);
    }

    private String format(String key, Object... args) {
        return texts.format(key, args);
    }

    String when(Instant t, ZoneId zone) {
        return texts.when(t, zone);
    }

    /** The reminder's body in the configured language, the time in {@code zone}; the join link if there is one. */
    String text(Encounter e, ZoneId zone, String link) {
        String s = format("text", null, when(e.scheduledStart(), zone), texts.type(e.type()));
        return link == null ? s : s + format("join", null, null, null, link);
    }
}
