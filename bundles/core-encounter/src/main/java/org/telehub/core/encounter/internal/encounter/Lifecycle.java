package org.telehub.core.encounter.internal.encounter;

import static org.telehub.core.encounter.EncounterService.CANCELLED;
import static org.telehub.core.encounter.EncounterService.COMPLETED;
import static org.telehub.core.encounter.EncounterService.CONFIRMED;
import static org.telehub.core.encounter.EncounterService.IN_PROGRESS;
import static org.telehub.core.encounter.EncounterService.NO_SHOW;
import static org.telehub.core.encounter.EncounterService.SCHEDULED;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.domain.ConflictException;

/**
 * The state machine of a visit: scheduled → confirmed → in_progress → completed, or cancelled / no_show. Each change
 * is a conditional update on the current status, so two concurrent changes cannot both win.
 */
public final class Lifecycle {
    /** Every status and where it may go. */
    public static final Map<String, List<String>> TRANSITIONS = Map.of(
            SCHEDULED, List.of(CONFIRMED, IN_PROGRESS, CANCELLED, NO_SHOW),
            CONFIRMED, List.of(IN_PROGRESS, CANCELLED, NO_SHOW),
            IN_PROGRESS, List.of(COMPLETED),
            COMPLETED, List.of(),
            CANCELLED, List.of(),
            NO_SHOW, List.of());

    public static final Set<String> TYPES = Set.of("in_person", "video", "audio", "chat", "follow_up");
    public static final String COLLEAGUE = "colleague";
    public static final Set<String> PARTICIPANT_KINDS = Set.of(COLLEAGUE, "guest", "interpreter");

    private Lifecycle() {
    }

    /** Whether a visit in this status holds its time (cancelled ones and no-shows free it). */
    public static boolean holdsTime(String status) {
        return !status.equals(CANCELLED) && !status.equals(NO_SHOW);
    }

    /** Whether the visit is still ahead (may be rescheduled, its notes before the visit changed, reminded of). */
    public static boolean upcoming(String status) {
        return status.equals(SCHEDULED) || status.equals(CONFIRMED);
    }

    /** The portal's vocabulary (telemedicine consult service): Upcoming, Current, Completed, Cancelled, NoShow. */
    public static String portalStatus(String status) {
        return switch (status) {
            case SCHEDULED, CONFIRMED -> "Upcoming";
            case IN_PROGRESS -> "Current";
            case COMPLETED -> "Completed";
            case CANCELLED -> "Cancelled";
            case NO_SHOW -> "NoShow";
            default -> throw new IllegalArgumentException(status);
        };
    }

    /** The steps a status allows, by their API names. */
    public static List<String> actions(String status) {
        return TRANSITIONS.get(status).stream().map(s -> Action.leadingTo(s).wireName()).toList();
    }

    /** The event a step to {@code status} records. */
    static EncounterEventType event(String status) {
        return switch (status) {
            case CONFIRMED -> EncounterEventType.CONFIRMED;
            case IN_PROGRESS -> EncounterEventType.STARTED;
            case COMPLETED -> EncounterEventType.COMPLETED;
            case CANCELLED -> EncounterEventType.CANCELLED;
            case NO_SHOW -> EncounterEventType.NO_SHOW;
            default -> throw new IllegalArgumentException(status);
        };
    }

    /** 409 with the allowed steps unless the visit may go to {@code to}. */
    static void requireAllowed(Encounter e, String to) {
        List<String> allowed = TRANSITIONS.get(e.status());
        if (!allowed.contains(to)) {
            throw new ConflictException("Illegal transition", "A visit that is " + e.status().replace('_', ' ')
                    + " cannot be " + (to.equals(IN_PROGRESS) ? "started" : to.replace('_', ' '))
                    + (allowed.isEmpty() ? "; it is final" : "; allowed: " + actions(e.status())), null,
                    Map.of("encounterStatus", e.status(), "allowedTransitions", actions(e.status())));
        }
    }

    /** 409 with the allowed steps unless the visit may be rescheduled (it is still ahead). */
    static void requireReschedulable(Encounter e) {
        if (!upcoming(e.status())) {
            throw new ConflictException("Illegal transition", "A visit that is " + e.status().replace('_', ' ')
                    + " cannot be rescheduled", null, Map.of("encounterStatus", e.status(), "allowedTransitions",
                            actions(e.status())));
        }
    }
}
