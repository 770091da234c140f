package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.EncounterService.BookingRequest;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.core.encounter.internal.event.EventLog;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;

/**
 * Every change of an encounter leaves exactly one durable event, written in the change's transaction: present when
 * the change committed, absent when it rolled back (PostgreSQL, as in production).
 */
class EncounterEventsTest {

    private static String doctor(Hub h) {
        String id = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor(null, "Dr Events", null, null, "UTC",
                30)).id();
        Map<String, List<ScheduleService.Hours>> weekly = new java.util.LinkedHashMap<>();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.put(d, List.of(new ScheduleService.Hours("00:00", "24:00")));
        }
        h.schedule().setAvailability(h.admin(), id, new ScheduleService.Availability("UTC", 30, weekly, List.of()));
        return id;
    }

    private static String patient(Hub h, String name) {
        return h.people().createPatient(h.admin(), new PeopleService.NewPatient(null, name, null, null, null, null))
                .id();
    }

    private static Instant inTwoDays(int hour) {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(hour));
    }

    private static BookingRequest visit(String d, String p, Instant start) {
        return new BookingRequest("video", d, p, start.toString(), 30, "chest pain since Monday", null, null, false,
                null);
    }

    private static List<EncounterEvent> events(Hub h, String encounterId) {
        return h.jdbi().withHandle(x -> EventLog.of(x, encounterId));
    }

    private static long count(Hub h, String table) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    /**
     * A subscriber known from an earlier registration but down when the visit is booked (its bundle being updated)
     * gets the event once it registers again, exactly once. Fails on the direct publisher, which never called
     * listeners of other bundles.
     */
    @Test
    void aSubscriberThatWasDownGetsTheEventOnceWhenItComesBack() throws Exception {
        Hub h = BookingTest.hub();
        List<EncounterEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.telehub.core.encounter.event.EncounterEventListener chat = new org.telehub.core.encounter.event
                .EncounterEventListener() {
            @Override
            public String subscriberName() {
                return "chat-rooms";
            }

            @Override
            public void onEvent(EncounterEvent event) {
                got.add(event);
            }
        };
        String topic = org.telehub.core.encounter.internal.event.EventFanOut.TOPIC_PREFIX + "chat-rooms";
        h.fanOut().subscribe(chat); // first registration: the name is recorded
        // it goes down before the booking
        String d = doctor(h);
        EncounterDetails e = h.encounters().book(h.admin(), visit(d, patient(h, "Pat"), inTwoDays(9)));
        h.work().drain();
        assertEquals(List.of(), got, "nobody ran it while the subscriber was down");
        assertEquals(1, h.work().items(topic).size(), "but its event waits for it");
        // back: the event arrives, once, even when the work runs again
        h.work().handle(topic, h.fanOut().subscribe(chat));
        h.work().drain();
        h.work().drain();
        assertEquals(1, got.size());
        assertEquals(e.id(), got.get(0).encounterId());
        assertEquals(EncounterEventType.BOOKED, got.get(0).type());
        assertEquals(events(h, e.id()).get(0).sequence(), got.get(0).sequence());
    }

    @Test
    void aSubscriberRemovedForGoodIsRetiredAndGetsNoMoreEvents() throws Exception {
        Hub h = BookingTest.hub();
        org.telehub.core.encounter.event.EncounterEventListener old = new org.telehub.core.encounter.event
                .EncounterEventListener() {
            @Override
            public String subscriberName() {
                return "old-plugin";
            }

            @Override
            public void onEvent(EncounterEvent event) {
            }
        };
        String topic = org.telehub.core.encounter.internal.event.EventFanOut.TOPIC_PREFIX + "old-plugin";
        h.fanOut().subscribe(old); // recorded, then its bundle is uninstalled for good
        String d = doctor(h);
        h.encounters().book(h.admin(), visit(d, patient(h, "Pat"), inTwoDays(9)));
        h.encounters().book(h.admin(), visit(d, patient(h, "Sam"), inTwoDays(10)));
        h.work().drain();
        assertEquals(2, h.work().items(topic).size(), "its events wait for a handler that never comes");
        assertTrue(h.fanOut().subscribers().stream().anyMatch(x -> x.name().equals("old-plugin") && !x.runningHere()));

        assertEquals(java.util.Optional.of(2), h.fanOut().retire("old-plugin"));
        assertTrue(h.work().items(topic).stream().allMatch(i -> i.state() == org.telehub.work.WorkState.CANCELLED));
        h.encounters().book(h.admin(), visit(d, patient(h, "Kim"), inTwoDays(11)));
        assertEquals(2, h.work().items(topic).size(), "no item for a retired subscriber");
        assertTrue(h.fanOut().retire("old-plugin").isEmpty(), "gone");
        assertTrue(h.fanOut().subscribers().stream().noneMatch(x -> x.name().equals("old-plugin")));
    }

    @Test
    void everyChangeAppendsOneEventInOrderWithoutFreeText() throws Exception {
        Hub h = BookingTest.hub();
        String d = doctor(h);
        String p = patient(h, "Pat");
        EncounterDetails e = h.encounters().book(h.admin(), new BookingRequest("video", d, p,
                inTwoDays(9).toString(), 30, "chest pain since Monday", "worse at night", List.of(
                        new EncounterService.ParticipantRequest("interpreter", "Ana Lopez", "ana@example.org", null)),
                true, null));
        h.encounters().transition(h.admin(), e.id(), Action.CONFIRM, null);
        h.encounters().reschedule(h.admin(), e.id(), new EncounterService.Reschedule(inTwoDays(10).toString(), null));
        h.encounters().notes(h.admin(), e.id(), new EncounterService.Notes(null, "BP 150/95"));
        h.encounters().setPaid(h.admin(), e.id(), true);
        h.encounters().transition(h.admin(), e.id(), Action.CANCEL, "patient has the flu");

        List<EncounterEvent> ev = events(h, e.id());
        assertEquals(List.of(EncounterEventType.BOOKED, EncounterEventType.PARTICIPANT_ADDED,
                EncounterEventType.CONFIRMED, EncounterEventType.RESCHEDULED, EncounterEventType.NOTES_CHANGED,
                EncounterEventType.PAYMENT_CHANGED, EncounterEventType.CANCELLED),
                ev.stream().map(EncounterEvent::type).toList());
        for (int i = 1; i < ev.size(); i++) {
            assertTrue(ev.get(i).sequence() > ev.get(i - 1).sequence(), "sequence increases");
        }
        assertTrue(ev.stream().allMatch(x -> x.actor().equals("admin") && x.encounterId().equals(e.id())));
        assertEquals(Map.of("from", "scheduled", "to", "cancelled", "revision", 6), ev.get(6).payload()); // a reschedule resets to scheduled
        assertEquals(inTwoDays(9).toString(), ev.get(3).payload().get("previousStart"));
        assertEquals(inTwoDays(10).toString(), ev.get(3).payload().get("scheduledStart"));
        assertEquals("interpreter", ev.get(1).payload().get("kind"));
        assertEquals(List.of("doctorNotes"), ev.get(4).payload().get("which"));
        // no free text, names or addresses travel in events
        String all = ev.toString();
        for (String phi : List.of("chest pain", "worse at night", "Ana Lopez", "ana@example.org", "BP 150/95",
                "flu", "Pat")) {
            assertFalse(all.contains(phi), phi + " in " + all);
        }
    }

    @Test
    void aChangeThatRollsBackLeavesNoEventAndAFailedOneNone() throws Exception {
        AtomicReference<String> failOn = new AtomicReference<>();
        List<EncounterEvent> published = new ArrayList<>();
        Hub h = BookingTest.hub((tx, event, current) -> {
            published.add(event);
            if (event.type().name().equals(failOn.get())) {
                throw new IllegalStateException("subscriber failed inside the transaction");
            }
            return () -> { };
        });
        String d = doctor(h);
        String p = patient(h, "Pat");
        // the event was appended, then the transaction failed: neither the visit nor its event remain
        failOn.set("BOOKED");
        assertThrows(IllegalStateException.class, () -> h.encounters().book(h.admin(), visit(d, p, inTwoDays(9))));
        assertEquals(1, published.size());
        assertEquals(0, count(h, "encounter"));
        assertEquals(0, count(h, "encounter_event"));
        failOn.set(null);
        EncounterDetails e = h.encounters().book(h.admin(), visit(d, p, inTwoDays(9)));
        // a transition whose event fails is not applied either
        failOn.set("CONFIRMED");
        assertThrows(IllegalStateException.class, () -> h.encounters().transition(h.admin(), e.id(), Action.CONFIRM,
                null));
        assertEquals("scheduled", h.encounters().get(h.admin(), e.id()).status());
        assertEquals(List.of(EncounterEventType.BOOKED), events(h, e.id()).stream().map(EncounterEvent::type)
                .toList());
        // a refused change (slot taken) writes no event
        failOn.set(null);
        assertThrows(ConflictException.class, () -> h.encounters().book(h.admin(), visit(d, patient(h, "Other"),
                inTwoDays(9))));
        assertEquals(1, count(h, "encounter_event"));
    }

    @Test
    void ofSixteenRacingBookingsOnlyTheWinnerHasAnEvent() throws Exception {
        Hub h = BookingTest.hub();
        String d = doctor(h);
        List<BookingRequest> same = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            same.add(visit(d, patient(h, "P" + i), inTwoDays(11)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (BookingRequest b : same) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    return h.encounters().book(h.admin(), b).id();
                } catch (DomainException e) {
                    return null;
                }
            }));
        }
        go.countDown();
        List<String> won = new ArrayList<>();
        for (Future<String> f : results) {
            if (f.get() != null) {
                won.add(f.get());
            }
        }
        pool.shutdown();
        assertEquals(1, won.size());
        assertEquals(1, count(h, "encounter_event"));
        assertEquals(EncounterEventType.BOOKED, events(h, won.get(0)).get(0).type());
    }
}
