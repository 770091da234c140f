package org.telehub.chat.internal.socket;

import static org.telehub.realtime.SocketFields.text;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Conversation;
import org.telehub.chat.Conversations.Sent;
import org.telehub.chat.internal.ConversationsImpl;
import org.telehub.domain.InvalidException;
import org.telehub.realtime.SocketCall;
import org.telehub.realtime.SocketHandler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Chat over {@code /ws} (docs/websocket-protocol.md): {@code chat.subscribe} follows a visit's conversation from a
 * sequence number (the messages after it are pushed first: a reconnecting client resumes with no gap),
 * {@code chat.send} stores a message and acknowledges it only then, {@code chat.unsubscribe} stops following,
 * {@code chat.read} moves the caller's read marker, {@code chat.delivered} their delivered mark (a receipt), {@code chat.typing} says the caller is typing, {@code chat.edit}
 * and {@code chat.retract} change one's own message (pushed as {@code chat.changed}; a resubscribe with
 * {@code revision} gets the changes it missed);
 * {@code notice.subscribe} follows the caller's own notices ({@code notice.changed}: ids only, the client then asks
 * {@code GET /notifications}).
 * Thin over {@link Conversations}, which decides who takes part and audits.
 */
@Component(property = { SocketHandler.TYPES + "=chat.subscribe", SocketHandler.TYPES + "=chat.unsubscribe",
        SocketHandler.TYPES + "=chat.send", SocketHandler.TYPES + "=chat.read", SocketHandler.TYPES + "=chat.typing",
        SocketHandler.TYPES + "=chat.edit", SocketHandler.TYPES + "=chat.retract",
        SocketHandler.TYPES + "=chat.delivered",
        SocketHandler.TYPES + "=notice.subscribe" })
public class ChatSocket implements SocketHandler {
    private final Conversations conversations;

    @Activate
    public ChatSocket(@Reference Conversations conversations) {
        this.conversations = conversations;
    }

    @Override
    public Object handle(SocketCall call) {
        JsonNode d = call.data();
        if ("notice.subscribe".equals(call.type())) {
            // one's own notices only: the topic is the caller's, whatever the frame says
            String topic = ConversationsImpl.userTopic(call.caller().username());
            call.subscribe(topic, (type, data, out) -> out.push(type, data));
            return Map.of("topic", topic);
        }
        // a visit's conversation by its encounter, a direct one (between two clinicians) by its own id
        String direct = d.has("encounterId") ? null : text(d, "conversationId", false);
        String encounterId = direct != null ? Conversations.direct(direct) : text(d, "encounterId", true);
        return switch (call.type()) {
            case "chat.subscribe" -> subscribe(call, encounterId, d);
            case "chat.unsubscribe" -> Map.of("unsubscribed", call.unsubscribe(topicOf(call, encounterId)));
            case "chat.send" -> {
                Sent sent = conversations.send(call.caller(), encounterId, text(d, "clientId", false),
                        text(d, "text", false), text(d, "attachmentId", false));
                yield Map.of("message", sent.message(), "replayed", sent.replayed());
            }
            case "chat.read" -> Map.of("read", conversations.markRead(call.caller(), encounterId, sequence(d)));
            case "chat.delivered" -> Map.of("read", conversations.markDelivered(call.caller(), encounterId,
                    sequence(d)));
            case "chat.edit" -> Map.of("message", conversations.edit(call.caller(), encounterId,
                    text(d, "messageId", true), text(d, "text", false)));
            case "chat.retract" -> Map.of("message", conversations.retract(call.caller(), encounterId,
                    text(d, "messageId", true)));
            case "chat.typing" -> {
                conversations.typing(call.caller(), encounterId);
                yield Map.of();
            }
            default -> throw new InvalidException("type", "Not a chat message type: " + call.type());
        };
    }

    private Object subscribe(SocketCall call, String encounterId, JsonNode d) {
        JsonNode a = d.get("after");
        if (a != null && !a.isNull() && (!a.isIntegralNumber() || a.asLong() < 0)) {
            throw new InvalidException("after", "The last sequence number the client has, 0 or more");
        }
        long after = a == null || a.isNull() ? 0 : a.asLong();
        JsonNode rv = d.get("revision");
        if (rv != null && !rv.isNull() && (!rv.isIntegralNumber() || rv.asLong() < 0)) {
            throw new InvalidException("revision", "The last change number the client has, 0 or more");
        }
        Conversation c = conversations.ofEncounter(call.caller(), encounterId); // a member, or "No encounter"
        String topic = ConversationsImpl.topic(c.id());
        ConversationFeed feed = new ConversationFeed(conversations, call.caller(), encounterId, after);
        call.subscribe(topic, feed); // first: what commits meanwhile is caught by the feed, in order, once
        long delivered = feed.catchUp(call);
        // a client that comes back with its change number gets the changes it missed to what it has (newer messages
        // came in their current state just now); a client without one has every message as it is now
        if (rv != null && !rv.isNull() && rv.asLong() < c.revision()) {
            for (Conversations.Change ch : conversations.changes(call.caller(), encounterId, rv.asLong(), delivered,
                    200)) {
                call.push(Conversations.CHANGED_EVENT, ch);
            }
        }
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("conversationId", c.id());
        ack.put("topic", topic);
        ack.put("readOnly", c.readOnly());
        ack.put("delivered", delivered);
        ack.put("more", delivered < c.lastSequence() && delivered - after >= ConversationFeed.PAGE);
        ack.put("reads", c.reads());
        ack.put("unread", c.unread());
        ack.put("revision", c.revision());
        ack.put("editMinutes", c.editMinutes());
        return ack;
    }

    private static long sequence(JsonNode d) {
        JsonNode s = d.get("sequence");
        if (s == null || !s.isIntegralNumber()) {
            throw new InvalidException("sequence", "Required: the sequence number of the last message read");
        }
        return s.asLong();
    }

    private String topicOf(SocketCall call, String encounterId) {
        return ConversationsImpl.topic(conversations.ofEncounter(call.caller(), encounterId).id());
    }
}
