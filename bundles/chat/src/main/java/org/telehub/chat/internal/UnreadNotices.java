package org.telehub.chat.internal;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.core.encounter.VisitContacts;
import org.telehub.core.encounter.VisitContacts.Person;
import org.telehub.core.encounter.VisitContacts.Visit;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * Tells a visit's patient and doctor by email or SMS about messages they have left unread (issue 17). A send plans a
 * check ({@link #submit}, in the send's transaction) when none is pending for the conversation: a work item on topic
 * {@value #TOPIC} due {@code unreadNoticeAfter} later, so it survives restarts and runs on whichever node is up.
 * The check tells each of the two who has messages of others after their read marker, once per channel for the
 * same newest message ({@code chat_notice}); a channel that throws makes it a retry (what went out is not sent
 * again), no channel or no address ends it. Guests, interpreters and care-team colleagues are not written to: the hub
 * keeps no address for them in a visit. The text names the other party, the visit's time and a link, never a
 * message.
 */
@Component(service = {UnreadNotices.class, WorkHandler.class}, configurationPid = "org.telehub.chat",
        property = {WorkHandler.TOPIC + "=" + UnreadNotices.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=6",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=30000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=600000"})
public class UnreadNotices implements WorkHandler {
    public static final String TOPIC = "chat.unread";
    /** Languages with texts ({@code notices*.properties} beside this class). */
    public static final List<String> LANGUAGES = List.of("en", "fa", "ru");
    static final String NOT_CONFIGURED = "no notification channel is configured: enable email"
            + " (etc/org.telehub.notify.email.cfg) or SMS (etc/org.telehub.notify.sms.cfg)";

    private final ChatSchema db;
    private final VisitContacts contacts;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();
    private volatile String language;

    @Activate
    public UnreadNotices(@Reference ChatSchema db, @Reference VisitContacts contacts, ChatConfig config) {
        this(db, contacts, config.noticeLanguage());
    }

    UnreadNotices(ChatSchema db, VisitContacts contacts, String language) {
        this.db = db;
        this.contacts = contacts;
        this.language = checked(language);
    }

    @Modified
    void modified(ChatConfig config) {
        this.language = checked(config.noticeLanguage());
    }

    private static String checked(String language) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("noticeLanguage: '" + language + "' is not one of " + LANGUAGES);
        }
        return language;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(enabled=false))")
    public void addChannel(NotificationChannel c) {
        channels.add(c);
    }

    void removeChannel(NotificationChannel c) {
        channels.remove(c);
    }

    /** The delay of {@code unreadNoticeAfter}; zero: no notices. */
    static java.time.Duration after(String value) {
        try {
            java.time.Duration d = java.time.Duration.parse(value.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException("unreadNoticeAfter: '" + value + "' must not be negative");
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("unreadNoticeAfter: '" + value + "' is not an ISO-8601 duration such"
                    + " as PT15M (PT0S: no notices)", e);
        }
    }

    /**
     * In a send's transaction (which holds the conversation's lock), once the send added the conversation's
     * {@code chat_notice_due} row ({@code ConversationStore.store}: none was pending): the check's work item, due then.
     */
    static void submit(Handle h, WorkService work, String conversationId, Instant due) {
        work.submit(h, WorkRequest.of(TOPIC, conversationId).notBefore(due));
    }

    private static long told(Handle h, String conversationId, String recipient, String channel) {
        return h.createQuery("SELECT sequence FROM chat_notice WHERE conversation_id = :c AND recipient = :r"
                + " AND channel = :ch").bind("c", conversationId).bind("r", recipient).bind("ch", channel)
                .mapTo(Long.class).findOne().orElse(0L);
    }

    private static void tell(Handle h, String conversationId, String recipient, String channel, long sequence) {
        h.createUpdate("INSERT INTO chat_notice (conversation_id, recipient, channel, sequence, sent_at)"
                + " VALUES (:c, :r, :ch, :s, now()) ON CONFLICT (conversation_id, recipient, channel)"
                + " DO UPDATE SET sequence = greatest(chat_notice.sequence, excluded.sequence), sent_at = now()")
                .bind("c", conversationId).bind("r", recipient).bind("ch", channel).bind("s", sequence).execute();
    }

    @Override
    public Verdict handle(WorkItem item) {
        String conversation = item.payload();
        // from here on, a new message plans the next check
        Optional<String> encounter = db.jdbi().inTransaction(h -> {
            h.createUpdate("DELETE FROM chat_notice_due WHERE conversation_id = :c").bind("c", conversation)
                    .execute();
            return h.createQuery("SELECT encounter_id FROM chat_conversation WHERE id = :c").bind("c", conversation)
                    .mapTo(String.class).findOne();
        });
        Optional<Visit> visit = encounter.flatMap(contacts::of);
        if (visit.isEmpty()) {
            return Verdict.done(); // the conversation or its visit is gone
        }
        Visit v = visit.get();
        List<String> errors = new ArrayList<>();
        boolean anyUnread = false;
        for (Person p : List.of(v.patient(), v.doctor())) {
            if (p.username() == null) {
                continue; // no account: they cannot sign in to read
            }
            ConversationStore.Unread u = db.jdbi().withHandle(h -> ConversationStore.unreadOf(h,
                    List.of(v.encounterId()), p.username())).get(v.encounterId());
            if (u == null || u.count() == 0) {
                continue;
            }
            anyUnread = true;
            Person other = p == v.patient() ? v.doctor() : v.patient();
            for (NotificationChannel c : channels) {
                if (db.jdbi().withHandle(h -> told(h, conversation, p.username(), c.name())) >= u.newest()) {
                    continue; // told them about these already
                }
                try {
                    if (c.send(notification(v, p, other, u.count()))) {
                        db.jdbi().useHandle(h -> tell(h, conversation, p.username(), c.name(), u.newest()));
                    }
                } catch (Exception e) {
                    errors.add(c.name() + ":" + p.role() + ": " + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            return Verdict.retry(String.join("; ", errors));
        }
        if (anyUnread && channels.isEmpty()) {
            return Verdict.giveUp(NOT_CONFIGURED);
        }
        return Verdict.done();
    }

    Notification notification(Visit v, Person to, Person other, long count) {
        Locale locale = Locale.forLanguageTag(language);
        ResourceBundle texts = ResourceBundle.getBundle(UnreadNotices.class.getPackageName() + ".notices", locale,
                UnreadNotices.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        ZoneId zone = ZoneId.of(to.timeZone() == null ? "UTC" : to.timeZone());
        String when = DateTimeFormatter.ofPattern(texts.getString("when"), locale).format(v.scheduledStart()
                .atZone(zone));
        Object[] args = {to.displayName(), count, other.displayName(), when, v.url()};
        return new Notification("chat.unread", v.encounterId(), to.role(), to.id(), to.displayName(), to.email(),
                to.phone(), new MessageFormat(texts.getString("subject"), locale).format(args),
                new MessageFormat(texts.getString("text"), locale).format(args), v.scheduledStart());
    }
}
