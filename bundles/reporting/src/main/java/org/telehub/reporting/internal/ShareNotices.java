package org.telehub.reporting.internal;

import java.text.MessageFormat;
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
import org.telehub.domain.notify.Channels;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

/**
 * Tells the patient that a report was shared with them (topic {@value #TOPIC}, one item per report, from
 * {@link ReportsImpl#share}): a link to the report in the web app, never the PDF itself (a mail is not a safe place
 * for it). Each channel that accepted the notice is recorded against the item ({@code report_notice_sent}), so a
 * retry after one channel failed does not send it twice on the other. A patient without an address ends the item
 * quietly: the report is in the app either way.
 */
@Component(service = WorkHandler.class, configurationPid = "org.telehub.reporting",
        property = {WorkHandler.TOPIC + "=" + ShareNotices.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=8",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=30000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=1800000"})
public class ShareNotices implements WorkHandler {
    public static final String TOPIC = "reporting.share";
    static final String NOT_CONFIGURED = "no notification channel is configured: enable email"
            + " (etc/org.telehub.notify.email.cfg) or SMS (etc/org.telehub.notify.sms.cfg)";

    private final Jdbi jdbi;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();
    private volatile ReportsConfig config;

    @Activate
    public ShareNotices(@Reference ReportSchema schema, ReportsConfig config) {
        this.jdbi = schema.jdbi();
        this.config = config;
    }

    @Modified
    void modified(ReportsConfig c) {
        this.config = c;
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
        String reportId = item.payload();
        Optional<Map<String, Object>> who = jdbi.withHandle(h -> h.createQuery("SELECT r.patient_id, r.encounter_id,"
                + " pt.display_name AS patient, pt.email, pt.phone, d.display_name AS doctor FROM report r"
                + " JOIN encounter_patient pt ON pt.id = r.patient_id JOIN encounter_doctor d ON d.id = r.doctor_id WHERE r.id = :r AND"
                + " r.shared_at IS NOT NULL").bind("r", reportId).mapToMap().findOne());
        if (who.isEmpty() || who.get().get("email") == null && who.get().get("phone") == null) {
            return Verdict.done();
        }
        if (channels.isEmpty()) {
            return Verdict.giveUp(NOT_CONFIGURED);
        }
        Notification n = notification(who.get());
        List<String> errors = Channels.sendOnce(channels, n, channel -> jdbi.withHandle(h -> h.createQuery("SELECT"
                + " count(*) FROM report_notice_sent WHERE item_id = :i AND channel = :c").bind("i", item.id())
                .bind("c", channel).mapTo(Integer.class).one()) > 0, channel -> jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO report_notice_sent (item_id, channel, sent_at) VALUES (:i, :c, now())"
                        + " ON CONFLICT DO NOTHING").bind("i", item.id()).bind("c", channel).execute()));
        return errors.isEmpty() ? Verdict.done() : Verdict.retry(String.join("; ", errors));
    }

    Notification notification(Map<String, Object> w) {
        ReportsConfig c = config;
        Locale locale = Locale.forLanguageTag(c.noticeLanguage());
        ResourceBundle texts = ResourceBundle.getBundle(ShareNotices.class.getPackageName() + ".notices", locale,
                ShareNotices.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        String base = c.publicBaseUrl().endsWith("/") ? c.publicBaseUrl().substring(0, c.publicBaseUrl().length() - 1)
                : c.publicBaseUrl();
        Object[] args = {w.get("patient"), w.get("doctor"), base + "/encounters/" + w.get("encounter_id") + "/report"};
        return new Notification("report.shared", (String) w.get("encounter_id"), "patient",
                (String) w.get("patient_id"), (String) w.get("patient"), (String) w.get("email"),
                (String) w.get("phone"),
                new MessageFormat(texts.getString("subject"), locale).format(args),
                new MessageFormat(texts.getString("text"), locale).format(args), null);
    }
}
