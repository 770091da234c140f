package org.telehub.directory.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.ScheduleService.FreeSlots;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.directory.Directory;
import org.telehub.domain.NotFoundException;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.TelehubExecutors;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keeps each doctor's next free slot ({@code directory_profile.next_free_slot}) from encounter events, so search
 * filters and sorts on a column instead of working out slots per query: a booking, a move or a cancellation renews
 * the doctor's value (at least once per event, after it committed; renewing twice writes the same value). A sweep
 * renews what has passed or was worked out longer ago than {@code nextSlotRefreshMinutes} (working hours are no
 * encounter event) and doctors new to the directory.
 *
 * <p>A cancellation or a move that frees a future slot which is free now tells the doctor's followers: one durable
 * {@link FollowNotices} item per follower, keyed by the event, so a repeated event tells no one twice; a follower is
 * told at most once per {@code followNoticeHours} per doctor.
 */
@Component(service = {EncounterEventListener.class, NextSlots.class}, configurationPid = "org.telehub.directory",
        property = EncounterEventListener.SUBSCRIBER + "=" + NextSlots.SUBSCRIBER)
@Designate(ocd = DirectoryConfig.class)
public class NextSlots implements EncounterEventListener {
    static final String SUBSCRIBER = "directory-slots";
    /** Free slots are worked out this far ahead (the schedule's longest query). */
    static final Duration HORIZON = Duration.ofDays(31);
    private static final Logger LOG = LoggerFactory.getLogger(NextSlots.class);
    private static final AuthenticatedUser SYSTEM = new AuthenticatedUser(0, "system:directory", "Directory",
            Set.of());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<EncounterEventType> RENEW = Set.of(EncounterEventType.BOOKED,
            EncounterEventType.RESCHEDULED, EncounterEventType.CANCELLED);

    private final Jdbi jdbi;
    private final ScheduleService schedule;
    private final WorkService work;
    private final ScheduledExecutorService pool;
    private ScheduledFuture<?> sweeping;
    private volatile DirectoryConfig config;

    @Activate
    public NextSlots(@Reference Database database, @Reference Directory directory, @Reference ScheduleService schedule,
            @Reference WorkService work, @Reference TelehubExecutors executors, DirectoryConfig config) {
        this(database.jdbi(), schedule, work, config, executors.pool("directory-slots", 1));
        sweeping = pool.scheduleWithFixedDelay(this::sweepQuietly, 5, 60, TimeUnit.SECONDS);
    }

    NextSlots(Jdbi jdbi, ScheduleService schedule, WorkService work, DirectoryConfig config,
            ScheduledExecutorService pool) {
        this.jdbi = jdbi;
        this.schedule = schedule;
        this.work = work;
        this.config = config;
        this.pool = pool;
    }

    @Modified
    void modified(DirectoryConfig c) {
        this.config = c;
    }

    /** The sweep stops; the pool is the bundle's (TelehubExecutors), given again to the next activation. */
    @Deactivate
    void deactivate() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
    }

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    @Override
    public void onEvent(EncounterEvent event) throws Exception {
        if (!RENEW.contains(event.type())) {
            return;
        }
        Optional<Map<String, Object>> visit = jdbi.withHandle(h -> h.createQuery("SELECT doctor_id, scheduled_start"
                + " FROM encounter WHERE id = :e").bind("e", event.encounterId()).mapToMap().findOne());
        if (visit.isEmpty()) {
            return;
        }
        String doctor = (String) visit.get().get("doctor_id");
        Instant now = Instant.now();
        List<Instant> free = renew(doctor);
        Instant freed = switch (event.type()) {
            case CANCELLED -> ((java.sql.Timestamp) visit.get().get("scheduled_start")).toInstant();
            case RESCHEDULED -> instant(event.payload().get("previousStart"));
            default -> null;
        };
        // within the renewal's horizon its free slots answer; beyond it, the schedule is asked for that day
        if (freed != null && freed.isAfter(now) && !free.isEmpty() && (freed.isBefore(now.plus(HORIZON))
                ? free.contains(freed) : isFree(doctor, freed))) {
            tellFollowers(doctor, freed, event.sequence());
        }
    }

    private static Instant instant(Object v) {
        return v == null ? null : Instant.parse(v.toString());
    }

    private FreeSlots slots(String doctorId, Instant from, Instant to) {
        return schedule.freeSlots(SYSTEM, doctorId, from.atOffset(ZoneOffset.UTC).toString(),
                to.atOffset(ZoneOffset.UTC).toString());
    }

    private boolean isFree(String doctorId, Instant start) {
        return slots(doctorId, start, start.plus(Duration.ofDays(1))).slots().stream()
                .anyMatch(s -> s.start().equals(start));
    }

    /**
     * Works out and stores the doctor's next free slot; the starts of their free slots within {@link #HORIZON} (empty
     * when the doctor is gone or has none).
     */
    List<Instant> renew(String doctorId) {
        Instant now = Instant.now();
        List<Instant> free;
        try {
            free = slots(doctorId, now, now.plus(HORIZON)).slots().stream().map(ScheduleService.Slot::start).toList();
        } catch (NotFoundException gone) {
            return List.of();
        }
        Optional<Instant> next = free.stream().findFirst();
        String update = "UPDATE directory_profile SET next_free_slot = :n, next_slot_at = :at WHERE doctor_id = :d";
        if (jdbi.withHandle(h -> h.createUpdate(update).bind("n", next.orElse(null)).bind("at", now)
                .bind("d", doctorId).execute()) == 0) {
            // a doctor the directory has not seen yet (no directory read since they were created)
            DirectoryImpl.syncProfiles(jdbi, now);
            jdbi.useHandle(h -> h.createUpdate(update).bind("n", next.orElse(null)).bind("at", now)
                    .bind("d", doctorId).execute());
        }
        return free;
    }

    /** Renews up to 200 doctors whose value is missing, passed or old; the number renewed. */
    int sweep() {
        Instant now = Instant.now();
        DirectoryImpl.syncProfiles(jdbi, now); // doctors created since: their first value too
        // what a notice's channels sent is needed while its item may run again (minutes); kept a week
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM directory_follow_sent WHERE sent_at < :old")
                .bind("old", now.minus(Duration.ofDays(7))).execute());
        List<String> due = jdbi.withHandle(h -> h.createQuery("SELECT doctor_id FROM directory_profile WHERE"
                + " next_slot_at IS NULL OR next_slot_at < :old OR next_free_slot < :now ORDER BY next_slot_at NULLS"
                + " FIRST LIMIT 200").bind("old", now.minus(Duration.ofMinutes(config.nextSlotRefreshMinutes())))
                .bind("now", now).mapTo(String.class).list());
        due.forEach(this::renew);
        return due.size();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Renewing doctors' next free slots failed; the next sweep tries again: {}", e.toString());
        }
    }

    /** One notice per follower not told of this doctor within the notice interval, in one transaction. */
    void tellFollowers(String doctorId, Instant slot, long sequence) {
        Instant now = Instant.now();
        jdbi.useTransaction(h -> {
            List<String> followers = h.createQuery("UPDATE directory_follow SET noticed_at = :now WHERE doctor_id = :d"
                    + " AND (noticed_at IS NULL OR noticed_at < :quiet) RETURNING patient_id").bind("now", now)
                    .bind("d", doctorId).bind("quiet", now.minus(Duration.ofHours(config.followNoticeHours())))
                    .mapTo(String.class).list();
            for (String patient : followers) {
                submit(h, patient, doctorId, slot, sequence);
            }
        });
    }

    private void submit(Handle h, String patient, String doctorId, Instant slot, long sequence) {
        String payload;
        try {
            payload = JSON.writeValueAsString(Map.of("patientId", patient, "doctorId", doctorId, "slot",
                    slot.toString()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        work.submit(h, new WorkRequest(FollowNotices.TOPIC, patient, payload, null, "freed:" + sequence + ":"
                + patient));
    }
}
