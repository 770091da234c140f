package org.telehub.notify.email.internal;

import java.io.UnsupportedEncodingException;
import java.util.Locale;
import java.util.Properties;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * The email channel: one SMTP message per notification, {@code multipart/alternative} with the text and the same
 * text as simple HTML (mail clients that linkify badly still show the join link whole), UTF-8 throughout so Persian
 * and Russian subjects and bodies arrive intact. A recipient without an address is "cannot reach" (false); a server
 * that refuses or cannot be reached makes {@link #send} throw with the server's reason and never the password.
 *
 * <p>{@code enabled} is a service property: reminders take only channels that are not {@code enabled=false}, so a
 * shipped, unconfigured channel is a quiet "not configured" rather than a failure per reminder.
 */
@Component(service = NotificationChannel.class, configurationPid = EmailChannel.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "channel=email")
@Designate(ocd = EmailConfig.class)
public class EmailChannel implements NotificationChannel {
    static final String PID = "org.telehub.notify.email";
    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

    private final boolean enabled;
    private final Session session;
    private final InternetAddress from;
    private final String username;
    private final String password;
    private final String where;

    @Activate
    public EmailChannel(EmailConfig c) {
        this(c.enabled(), c.host(), c.port(), c.tls(), c.username(), c._password(), c.from(), c.timeoutSeconds());
    }

    EmailChannel(boolean enabled, String host, int port, String tls, String username, String password, String from,
            int timeoutSeconds) {
        this.enabled = enabled;
        this.username = username == null || username.isBlank() ? null : username;
        this.password = password == null ? "" : password;
        this.where = host + ":" + port;
        if (!enabled) {
            this.session = null;
            this.from = null;
            LOG.info("Email channel not enabled ({}.cfg): reminders do not go out by email", PID);
            return;
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(PID + ": host is required when the channel is enabled");
        }
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException(PID + ": from '" + from + "' is not an email address", e);
        }
        this.session = Session.getInstance(properties(host, port, tls, this.username != null, timeoutSeconds));
        LOG.info("Email channel sends through {} ({})", where, tls);
    }

    static Properties properties(String host, int port, String tls, boolean auth, int timeoutSeconds) {
        Properties p = new Properties();
        String ms = String.valueOf(timeoutSeconds * 1000L);
        String proto;
        switch (tls == null ? "" : tls.toLowerCase(Locale.ROOT)) {
            case "tls" -> {
                proto = "smtps";
                p.put("mail.smtps.ssl.checkserveridentity", "true");
            }
            case "starttls" -> {
                proto = "smtp";
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "none" -> proto = "smtp";
            default -> throw new IllegalArgumentException(PID + ": tls must be none, starttls or tls, not '" + tls
                    + "'");
        }
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", host);
        p.put("mail." + proto + ".port", String.valueOf(port));
        p.put("mail." + proto + ".auth", String.valueOf(auth));
        p.put("mail." + proto + ".connectiontimeout", ms);
        p.put("mail." + proto + ".timeout", ms);
        p.put("mail." + proto + ".writetimeout", ms);
        p.put("mail.mime.charset", "UTF-8");
        return p;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public boolean send(Notification n) throws Exception {
        if (!enabled) {
            return false;
        }
        if (n.email() == null || n.email().isBlank()) {
            return false;
        }
        // Jakarta Mail and Activation look their providers up on the context class loader first: this bundle's
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(EmailChannel.class.getClassLoader());
        try {
            MimeMessage m = message(n);
            Transport.send(m, username, password);
            LOG.debug("Sent {} for encounter {} to {} {} by email", n.kind(), n.encounterId(), n.recipientRole(),
                    n.recipientId());
            return true;
        } catch (MessagingException e) {
            throw new Exception("email via " + where + " failed: " + reason(e));
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private MimeMessage message(Notification n) throws MessagingException, UnsupportedEncodingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(n.email(), n.recipientName(), "UTF-8"));
        m.setSubject(n.subject(), "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(n.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<!DOCTYPE html><html><body><p dir=\"auto\">" + escape(n.text()) + "</p></body></html>", "UTF-8",
                "html");
        m.setContent(new MimeMultipart("alternative", text, html));
        m.saveChanges();
        return m;
    }

    /** The server's words (and the causes' ones), with the password cut out should a server echo it. */
    private String reason(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null && b.length() < 400; c = c.getCause()) {
            if (c.getMessage() != null) {
                b.append(b.length() == 0 ? "" : ": ").append(c.getMessage().strip());
            }
        }
        String s = b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
        return password.isEmpty() ? s : s.replace(password, "****");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("<br>");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
