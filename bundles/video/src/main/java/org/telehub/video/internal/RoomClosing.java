package org.telehub.video.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.event.EncounterEventType;

/**
 * A visit that ended however it ended (its doctor in the room, the visit page's "End", a cancellation, a no-show)
 * closes its room: every peer still there or waiting is told {@code video.ended}. At least once, after the change
 * commits; closing twice tells nobody new.
 */
@Component(service = EncounterEventListener.class,
        property = EncounterEventListener.SUBSCRIBER + "=" + RoomClosing.SUBSCRIBER)
public class RoomClosing implements EncounterEventListener {
    static final String SUBSCRIBER = "video-rooms";

    private final RoomsImpl rooms;

    @Activate
    public RoomClosing(@Reference RoomsImpl rooms) {
        this.rooms = rooms;
    }

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    @Override
    public void onEvent(EncounterEvent event) {
        EncounterEventType t = event.type();
        if (t == EncounterEventType.COMPLETED || t == EncounterEventType.CANCELLED
                || t == EncounterEventType.NO_SHOW) {
            rooms.close(event.encounterId(), t == EncounterEventType.COMPLETED ? "completed"
                    : t == EncounterEventType.CANCELLED ? "cancelled" : "no_show");
        }
    }
}
