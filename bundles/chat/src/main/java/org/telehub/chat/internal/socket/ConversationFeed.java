package org.telehub.chat.internal.socket;

import java.util.List;

import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Message;
import org.telehub.chat.internal.ConversationsImpl;
import org.telehub.realtime.Push;
import org.telehub.realtime.TopicListener;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One connection's view of one conversation: messages pushed in sequence order, each once. Events from the
 * fan-out may come twice (a retried send is published again) or out of order (two nodes published them); a
 * message already pushed is dropped, and one past a gap makes the feed read the missing ones from the store first
 * (numbers are gapless in commit order, so what is missing has committed). Reading goes through {@link
 * Conversations}: still a member, and audited.
 */
final class ConversationFeed implements TopicListener {
    /** Messages pushed per catch-up; a client further behind asks again from where it got to. */
    static final int PAGE = 200;

    private final Conversations conversations;
    private final AuthenticatedUser caller;
    private final String encounterId;
    private long last;

    ConversationFeed(Conversations conversations, AuthenticatedUser caller, String encounterId, long after) {
        this.conversations = conversations;
        this.caller = caller;
        this.encounterId = encounterId;
        this.last = after;
    }

    /** Pushes the stored messages after the last pushed, one page at most; the last sequence pushed. */
    synchronized long catchUp(Push out) {
        List<Message> page = conversations.messages(caller, encounterId, last, PAGE);
        for (Message m : page) {
            out.push(ConversationsImpl.MESSAGE_EVENT, m);
            last = m.sequence();
        }
        return last;
    }

    synchronized long last() {
        return last;
    }

    @Override
    public synchronized void onEvent(String type, JsonNode data, Push out) {
        if (!ConversationsImpl.MESSAGE_EVENT.equals(type)) {
            out.push(type, data);
            return;
        }
        long sequence = data.path("sequence").asLong(-1);
        if (sequence <= last) {
            return; // shown already
        }
        if (sequence == last + 1) {
            out.push(type, data);
            last = sequence;
            return;
        }
        catchUp(out);
    }
}
