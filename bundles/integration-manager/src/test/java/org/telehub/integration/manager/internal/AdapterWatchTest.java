package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.SystemType;
import org.telehub.security.AccountContacts;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkState;

/**
 * When administrators are told about a system: only after it was UP, only once its worse state lasted, once per
 * change, again when it is back; never about one that was never UP; and what the e-mail says.
 */
class AdapterWatchTest {
    private Instant now = Instant.parse("2026-12-05T03:00:00Z");
    private final List<Notification> mails = new ArrayList<>();

    /** An HL7 interface whose health the test sets. */
    private static final class Feed implements Adapter {
        final String id;
        volatile AdapterHealth.State state;
        volatile String detail = "listening";

        Feed(String id, AdapterHealth.State state) {
            this.id = id;
            this.state = state;
        }

        public AdapterInfo info() {
            return new AdapterInfo(id, SystemType.EHR, "Test HIS", "HL7 v2", "1");
        }

        public void connect() {
        }

        public void disconnect() {
        }

        public AdapterHealth health() {
            return new AdapterHealth(state, detail, null, null, null);
        }
    }

    private static final AccountContacts ADMINS = new AccountContacts() {
        public Optional<String> email(String username) {
            return Optional.empty();
        }

        public Map<String, String> emailsWithRole(String role) {
            return "admin".equals(role) ? Map.of("admin", "it@clinic.example", "night", "night@clinic.example")
                    : Map.of();
        }
    };

    private AdapterWatch watch(AdapterRegistry registry, int afterSeconds) {
        AlertsConfig config = new AlertsConfig() {
            public Class<? extends Annotation> annotationType() {
                return AlertsConfig.class;
            }

            public int alertAfterSeconds() {
                return afterSeconds;
            }

            public int checkSeconds() {
                return 30;
            }
        };
        Clock clock = new Clock() {
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now;
            }
        };
        AdapterWatch w = new AdapterWatch(registry, null, null, ADMINS, clock, config);
        w.email = new NotificationChannel() {
            public String name() {
                return "email";
            }

            public boolean send(Notification n) {
                mails.add(n);
                return true;
            }
        };
        return w;
    }

    /** One round at {@code now}, its alerts taken as stored. */
    private List<WorkRequest> round(AdapterWatch w) {
        AdapterWatch.Round r = w.due();
        w.told(r);
        return r.alerts();
    }

    private void later(int seconds) {
        now = now.plus(Duration.ofSeconds(seconds));
    }

    @Test
    void aSilenceThatLastsIsToldOncePerAdministratorAndTheRecoveryToo() throws Exception {
        AdapterRegistry registry = new AdapterRegistry();
        Feed his = new Feed("his-adt", AdapterHealth.State.UP);
        registry.addAdapter(his);
        AdapterWatch w = watch(registry, 300);
        assertEquals(List.of(), round(w));

        later(30);
        his.state = AdapterHealth.State.DEGRADED;
        his.detail = "silent: no message since 2026-12-05T02:30:00Z";
        assertEquals(List.of(), round(w), "not yet: it may come back");
        later(299);
        assertEquals(List.of(), round(w));
        later(1);
        List<WorkRequest> told = round(w);
        assertEquals(2, told.size(), "one item per administrator with an address");
        assertEquals(AdapterWatch.TOPIC, told.get(0).topic());
        assertTrue(told.get(0).idempotencyKey().startsWith("his-adt|DEGRADED|"), told.get(0).idempotencyKey());
        later(600);
        assertEquals(List.of(), round(w), "told once");

        his.state = AdapterHealth.State.UP;
        his.detail = "listening";
        assertEquals(List.of(), round(w));
        later(300);
        List<WorkRequest> back = round(w);
        assertEquals(2, back.size());
        assertTrue(back.get(0).payload().contains("\"state\":\"UP\""), back.get(0).payload());

        // the mail, as the work handler sends it
        assertEquals(org.telehub.work.Verdict.done(), w.handle(item(told.get(0))));
        Notification mail = mails.get(0);
        assertEquals("Telehub: his-adt (Test HIS HL7 v2) is DEGRADED", mail.subject());
        assertTrue(mail.text().contains("silent: no message since 2026-12-05T02:30:00Z"), mail.text());
        assertTrue(mail.email().endsWith("@clinic.example"));
        w.handle(item(back.get(0)));
        assertEquals("Telehub: his-adt (Test HIS HL7 v2) is back UP", mails.get(1).subject());
    }

    @Test
    void aFlapShorterThanTheWaitTheSystemNeverUpAndAWaitOfZeroTellNothing() {
        AdapterRegistry registry = new AdapterRegistry();
        Feed flap = new Feed("flap", AdapterHealth.State.UP);
        Feed never = new Feed("ehr-new", AdapterHealth.State.DOWN);
        registry.addAdapter(flap);
        registry.addAdapter(never);
        AdapterWatch w = watch(registry, 300);
        round(w);
        for (int i = 0; i < 20; i++) {
            flap.state = i % 2 == 0 ? AdapterHealth.State.DOWN : AdapterHealth.State.UP;
            later(200);
            assertEquals(List.of(), round(w), "a flap of 200 s, and a system configured but never connected");
        }
        AdapterWatch silent = watch(registry, 0);
        flap.state = AdapterHealth.State.UP;
        round(silent);
        flap.state = AdapterHealth.State.DOWN;
        later(100_000);
        assertEquals(List.of(), round(silent));
    }

    @Test
    void aFailedSubmitTellsAgainNextRoundAndNoChannelGivesUpWithTheReason() throws Exception {
        AdapterRegistry registry = new AdapterRegistry();
        Feed his = new Feed("his-adt", AdapterHealth.State.UP);
        registry.addAdapter(his);
        AdapterWatch w = watch(registry, 60);
        round(w);
        his.state = AdapterHealth.State.DOWN;
        round(w);
        later(60);
        assertEquals(2, w.due().alerts().size(), "due, but its submit fails: not confirmed");
        // the round above was not confirmed (its submit "failed"): the next round has them again, same keys
        List<WorkRequest> again = round(w);
        assertEquals(2, again.size());
        w.email = null;
        assertEquals(org.telehub.work.Verdict.giveUp("no e-mail channel is enabled (etc/org.telehub.notify.email"
                + ".cfg)"), w.handle(item(again.get(0))));
    }

    private static WorkItem item(WorkRequest r) {
        return new WorkItem("1", r.topic(), r.key(), r.payload(), WorkState.PENDING, 0, null, r.idempotencyKey(), null,
                null, null, null);
    }
}
