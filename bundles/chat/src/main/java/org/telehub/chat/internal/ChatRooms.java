package org.telehub.chat.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.event.EncounterEventType;

/**
 * A booked visit has its conversation from the start (the encounter's {@code BOOKED} event, at least once, after the
 * booking commits; making it twice is making the same row). Visits booked before this bundle first registered get
 * theirs on first use ({@link ConversationsImpl}). Closing follows the encounter's status when a message is sent.
 */
@Component(service = EncounterEventListener.class,
        property = EncounterEventListener.SUBSCRIBER + "=" + ChatRooms.SUBSCRIBER)
public class ChatRooms implements EncounterEventListener {
    static final String SUBSCRIBER = "chat-conversations";

    private final ChatSchema db;

    @Activate
    public ChatRooms(@Reference ChatSchema db) {
        this.db = db;
    }

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    @Override
    public void onEvent(EncounterEvent event) {
        if (event.type() == EncounterEventType.BOOKED && event.payload().get("patientId") instanceof String patient) {
            db.jdbi().useTransaction(h -> ConversationStore.ensure(h, event.encounterId(), patient, event.occurredAt()));
        }
    }
}
