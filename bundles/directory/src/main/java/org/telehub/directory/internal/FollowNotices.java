package org.telehub.directory.internal;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.directory.Directory;
import org.telehub.domain.notify.Channels;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.persistence.Database;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tells a patient who follows a doctor that a slot with the doctor became free (topic {@value #TOPIC}; items come
 * from {@link NextSlots}). Each channel (email, SMS) that accepted the notice is recorded against the item
 * ({@code directory_follow_sent}), so a retry after one channel failed does not send it twice on the other. A slot
 * already begun, a follow withdrawn meanwhile or a patient without an address ends the item quietly. The text names
 * the doctor and the time, and links to booking with them.
 */
@Component(service = WorkHandler.class, configurationPid = "org.telehub.directory",
        property = {WorkHandler.TOPIC + "=" + FollowNotices.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=6",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=30000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=600000"})
public class FollowNotices implements WorkHandler {
    public static final String TOPIC = "directory.follow";
    static final List<String> LANGUAGES = List.of("en", "fa", "ru");
    static final String NOT_CONFIGURED = "no notification channel is configured: enable email"
            + " (etc/org.telehub.notify.email.cfg) or SMS (etc/org.telehub.notify.sms.cfg)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();
    private volatile DirectoryConfig config;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public FollowNotices(@Reference Database database, @Reference Directory directory, DirectoryConfig config) {
        this(database.jdbi(), config);
    }

    FollowNotices(Jdbi jdbi, DirectoryConfig config) {
        this.jdbi = jdbi;
        this.config = checked(config);
    }

    @Modified
    void modified(DirectoryConfig c) {
        this.config = checked(c);
    }

    private static DirectoryConfig checked(DirectoryConfig c) {
        if (!LANGUAGES.contains(c.noticeLanguage())) {
            throw new IllegalArgumentException("noticeLanguage: '" + c.noticeLanguage() + "' is not one of "
                    + LANGUAGES);
        }
        return c;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(enabled=false))")
    public void addChannel(NotificationChannel c) {
        channels.add(c);
    }

    void removeChannel(NotificationChannel c) {
        channels.remove(c);
    }

    @Override
    public Verdict handle(WorkItem item) throws Exception {
        Map<String, String> p = JSON.readValue(item.payload(), new TypeReference<Map<String, String>>() {
        });
        Instant slot = Instant.parse(p.get("slot"));
        if (!slot.isAfter(Instant.now())) {
            return Verdict.done(); // too late to be of use
        }
        Optional<Map<String, Object>> who = jdbi.withHandle(h -> h.createQuery("SELECT pt.display_name AS patient,"
                + " pt.email, pt.phone, pt.time_zone, d.display_name AS doctor FROM directory_follow f JOIN"
                + " encounter_patient pt ON pt.id = f.patient_id JOIN encounter_doctor d ON d.id = f.doctor_id WHERE"
                + " f.patient_id = :p AND f.doctor_id = :d").bind("p", p.get("patientId")).bind("d",
                        p.get("doctorId")).mapToMap().findOne());
        if (who.isEmpty()) {
            return Verdict.done(); // no longer following
        }
        Map<String, Object> w = who.get();
        if (w.get("email") == null && w.get("phone") == null) {
            return Verdict.done();
        }
        if (channels.isEmpty()) {
            return Verdict.giveUp(NOT_CONFIGURED);
        }
        Notification n = notification(p.get("patientId"), p.get("doctorId"), w, slot);
        List<String> errors = Channels.sendOnce(channels, n, channel -> jdbi.withHandle(h -> h.createQuery("SELECT"
                + " count(*) FROM directory_follow_sent WHERE item_id = :i AND channel = :c").bind("i", item.id())
                .bind("c", channel).mapTo(Integer.class).one()) > 0, channel -> jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO directory_follow_sent (item_id, channel, sent_at) VALUES (:i, :c, now())"
                        + " ON CONFLICT DO NOTHING").bind("i", item.id()).bind("c", channel).execute()));
        return errors.isEmpty() ? Verdict.done() : Verdict.retry(String.join("; ", errors));
    }

    Notification notification(String patientId, String doctorId, Map<String, Object> w, Instant slot) {
        DirectoryConfig c = config;
        Locale locale = Locale.forLanguageTag(c.noticeLanguage());
        ResourceBundle texts = ResourceBundle.getBundle(FollowNotices.class.getPackageName() + ".notices", locale,
                FollowNotices.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        ZoneId zone = ZoneId.of(w.get("time_zone") == null ? "UTC" : (String) w.get("time_zone"));
        String when = DateTimeFormatter.ofPattern(texts.getString("when"), locale).format(slot.atZone(zone));
        String base = c.publicBaseUrl().endsWith("/") ? c.publicBaseUrl().substring(0, c.publicBaseUrl().length() - 1)
                : c.publicBaseUrl();
        Object[] args = {w.get("patient"), w.get("doctor"), when, base + "/find?doctor=" + doctorId};
        return new Notification("directory.free-slot", null, "patient", patientId, (String) w.get("patient"),
                (String) w.get("email"), (String) w.get("phone"), new MessageFormat(texts.getString("subject"),
                        locale).format(args), new MessageFormat(texts.getString("text"), locale).format(args), slot);
    }
}
