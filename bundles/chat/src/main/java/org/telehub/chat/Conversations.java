package org.telehub.chat;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Conversations and their messages. Members of an encounter's conversation are who takes part in the encounter: its
 * patient, the clinicians who reach the patient by a care relationship (the visit's doctor, an invited colleague, the
 * care team), and the visit's guests and interpreters by their visit identity. Anyone else — an administrator, the
 * front desk, another patient — gets {@code NotFoundException} ("No encounter …"), the same answer as for an
 * encounter that does not exist. Every read and send is audited against the patient.
 *
 * <p>A <em>direct</em> conversation is between two clinicians ({@link #openDirect}): no visit, no patient (it is in no
 * patient's record), never closed. Every method that takes an {@code encounterId} takes a direct conversation's key
 * ({@link #direct}) in its place, except {@link #unread}, which counts visits' conversations only (a direct one's count
 * is in {@link #recent}); for anyone but its two members, while they hold a clinician role, it does not exist
 * ("No conversation …"). Its reads and sends are audited with no patient and the conversation's id in the outcome.
 */
@ProviderType
public interface Conversations {

    /** What a direct conversation's key starts with ({@link #direct}). */
    String DIRECT_PREFIX = "direct:";

    /** The key of the direct conversation {@code conversationId}, for the methods that take an encounter id. */
    static String direct(String conversationId) {
        return DIRECT_PREFIX + conversationId;
    }

    /**
     * The direct conversation of the caller and the colleague {@code username} (a clinician's enabled account), made
     * on first use; the same one whichever of the two opens it. Only clinicians signed in with their own account open
     * one ({@code ForbiddenException} otherwise). {@code InvalidException} names {@code username} for no such
     * colleague, or the caller themself. Audited ({@code chat.direct.open}).
     */
    Conversation openDirect(AuthenticatedUser caller, String username);

    /**
     * Colleagues the caller may open a direct conversation with: clinicians whose username or name starts with
     * {@code prefix} (at least 2 characters; a word of the name counts), by name, at most 20, the caller left out.
     * Clinicians only ({@code ForbiddenException} otherwise). {@code InvalidException} names {@code q} for a prefix
     * shorter than 2 characters.
     */
    List<Colleague> colleagues(AuthenticatedUser caller, String prefix);

    /** A clinician one may write to directly. */
    record Colleague(String username, String displayName) {
    }

    /** The encounter's conversation (made on first use when the encounter's booking event has not done it yet). */
    Conversation ofEncounter(AuthenticatedUser caller, String encounterId);

    /**
     * Stores a text message and then answers it. The same {@code clientId} from the same sender in the same
     * conversation is the same message: a retry after a lost answer gets the stored one back ({@link Sent#replayed}).
     * {@code InvalidException} names {@code clientId} or {@code text}; {@code ConflictException} when the
     * conversation is read-only (the encounter ended, was cancelled or missed, longer ago than the configured time).
     */
    default Sent send(AuthenticatedUser caller, String encounterId, String clientId, String text) {
        return send(caller, encounterId, clientId, text, null);
    }

    /**
     * A message with an attachment uploaded to the same conversation ({@link ChatFiles#upload}); its text may then be
     * empty. {@code InvalidException} names {@code attachmentId} when it is not an attachment of this conversation.
     */
    Sent send(AuthenticatedUser caller, String encounterId, String clientId, String text, String attachmentId);

    /** Messages after {@code afterSequence} (0: from the start), oldest first, at most {@code limit} (1–200). */
    List<Message> messages(AuthenticatedUser caller, String encounterId, long afterSequence, int limit);

    /**
     * The caller has read the conversation up to {@code sequence} (1 to its last). A marker never moves back (an
     * older one answers the current marker); when it moves it is pushed to the conversation's followers as
     * {@code chat.read}. {@code InvalidException} names {@code sequence}. Not audited: it reads nothing.
     */
    Read markRead(AuthenticatedUser caller, String encounterId, long sequence);

    /**
     * The caller's device has received the conversation up to {@code sequence} (1 to its last): a delivery receipt. A
     * mark never moves back (nor below the caller's read marker); when it moves it is pushed to the conversation's
     * followers as {@code chat.read} (the {@link Read} carries both marks). {@code InvalidException} names
     * {@code sequence}. Not audited: it reads nothing.
     */
    Read markDelivered(AuthenticatedUser caller, String encounterId, long sequence);

    /**
     * How many messages of others each conversation holds after the caller's marker, for the visits among
     * {@code encounterIds} (at most 200) whose conversation the caller takes part in; the others are left out (not
     * audited: counts say nothing of a visit the caller does not see). {@code InvalidException} names
     * {@code encounterId} for more than 200.
     */
    java.util.Map<String, Long> unread(AuthenticatedUser caller, java.util.Collection<String> encounterIds);

    /**
     * The conversations the caller takes part in that hold messages, newest message first: {@code limit} (1–50) after
     * {@code cursor} (null: from the newest; else a page's {@link Recent#next}). Each with its visit, its last message
     * (text cut to 140 characters) and the caller's unread count. Reading the visits and messages is audited per
     * patient. {@code InvalidException} names {@code limit} or {@code cursor}.
     */
    Recent recent(AuthenticatedUser caller, String cursor, int limit);

    /**
     * The caller's unseen notices: per conversation they take part in, the messages of others after both their read
     * marker and their seen mark ({@link #markSeen}), the conversation with the newest such message first, at most
     * {@code limit} (1–50). Each says whose visit it is, who wrote the newest and how many there are, never what they
     * wrote. Reading the visits is audited per patient. Looks through at most as many conversations as {@link #recent}
     * does ({@link Notices#more} then says there may be more). {@code InvalidException} names {@code limit}.
     */
    Notices notices(AuthenticatedUser caller, int limit);

    /**
     * The caller has seen the notices of these visits' conversations up to each one's {@code sequence} (at most 50;
     * a mark never moves back, and one past a conversation's last message is refused). Every visit is checked before
     * anything is written: {@code NotFoundException} for one whose conversation the caller is not in,
     * {@code InvalidException} naming {@code sequence} or {@code seen}. Seeing is not reading: the read markers, the
     * receipts others see and the unread counts stay as they were. The caller's connections are told
     * ({@link #NOTICE_EVENT}). Answers the marks now.
     */
    List<Seen> markSeen(AuthenticatedUser caller, List<Seen> seen);

    /**
     * The event pushed on a user's own topic (their {@code notice.subscribe}) when their notices may have changed: a
     * message of another in a visit where they are the patient or the doctor, or their own read or seen mark that
     * moved. It carries ids only ({@code encounterId}, {@code conversationId}, {@code sequence}); the client asks
     * {@link #notices} for the rest, which checks who may see what.
     */
    String NOTICE_EVENT = "notice.changed";

    /**
     * @param unseen the messages counted in {@code items}
     * @param more whether more conversations may have unseen messages than were listed
     */
    record Notices(List<Notice> items, long unseen, boolean more) {
    }

    /**
     * Unseen messages of one conversation.
     *
     * @param count messages of others after the caller's read marker and seen mark
     * @param newest the newest one's sequence number (what {@link #markSeen} takes)
     * @param fromName who wrote the newest one
     * @param colleagueName for a direct conversation (no visit), the other member's name; null for a visit's
     */
    record Notice(String conversationId, String encounterId, String status, Instant scheduledStart,
            String doctorName, String patientName, long count, long newest, Instant newestAt, String fromName,
            String colleagueName) {
    }

    /**
     * A seen mark: the caller has seen the notices of the visit's conversation up to {@code sequence}
     * ({@code encounterId}: or a direct conversation's key, {@link #direct}).
     */
    record Seen(String encounterId, long sequence) {
    }

    /**
     * A page of {@link #recent}; {@code next} null when there is no more.
     */
    record Recent(List<Summary> items, String next) {
    }

    /**
     * One conversation in a list: its visit (who, when, status) and its last message.
     *
     * @param lastText the last message's text, cut to 140 characters (empty for a file alone)
     * @param lastFile the name of the file the last message carries, or null
     * @param lastRetracted whether the last message was retracted (its text is then empty, its file null)
     * @param colleagueName for a direct conversation (no visit: {@code encounterId}, {@code status} and the names
     *     of the visit null), the other member's name; null for a visit's
     */
    record Summary(String conversationId, String encounterId, String status, Instant scheduledStart,
            String doctorName, String patientName, long lastSequence, Instant lastAt, String lastSender,
            String lastSenderName, String lastText, String lastFile, boolean lastRetracted, long unread,
            String colleagueName) {
    }

    /**
     * The caller is typing: pushed to the conversation's followers as {@code chat.typing} ({@code conversationId},
     * {@code sender}, {@code senderName}); nothing is stored.
     */
    void typing(AuthenticatedUser caller, String encounterId);

    /**
     * @param reads how far each member has read (their own messages count as read)
     * @param unread the messages of others after the caller's marker
     * @param revision the conversation's change counter: how many edits and retractions it has had
     * @param editMinutes how long after sending its sender may edit or retract a message
     * @param colleagueName for a direct conversation ({@code encounterId} null), the other member's name
     */
    record Conversation(String id, String encounterId, long lastSequence, boolean readOnly, Instant createdAt,
            List<Read> reads, long unread, long revision, int editMinutes, String colleagueName) {
    }

    /**
     * How far {@code reader} has read a conversation ({@code sequence}) and how far their devices have received it
     * ({@code delivered}, never below {@code sequence}).
     */
    record Read(String conversationId, String reader, String readerName, long sequence, Instant readAt,
            long delivered) {
    }

    /**
     * @param text as it reads now; empty once retracted
     * @param attachment the file the message carries, or null (null once retracted)
     * @param editedAt when its sender last changed its text, or null
     * @param retractedAt when its sender retracted it, or null
     */
    record Message(String id, String conversationId, long sequence, String sender, String senderName, String clientId,
            String text, Instant sentAt, ChatFiles.Attachment attachment, Instant editedAt, Instant retractedAt) {

        /** A message as sent, never changed. */
        public Message(String id, String conversationId, long sequence, String sender, String senderName,
                String clientId, String text, Instant sentAt, ChatFiles.Attachment attachment) {
            this(id, conversationId, sequence, sender, senderName, clientId, text, sentAt, attachment, null, null);
        }
    }

    /**
     * Changes the text of one of the caller's own messages; what it said before is kept ({@link #history}). Answers
     * the message as it is now, and pushes it to the conversation's followers as {@link #CHANGED_EVENT}. The same text
     * again changes nothing (a retry). {@code ForbiddenException} when the caller did not send it;
     * {@code ConflictException} when it was retracted, was sent longer ago than the configured minutes, or the
     * conversation is closed; {@code InvalidException} naming {@code text}; {@code NotFoundException} ("No message")
     * when the conversation has no such message. Audited ({@code chat.edit}).
     */
    Message edit(AuthenticatedUser caller, String encounterId, String messageId, String text);

    /**
     * Retracts one of the caller's own messages: it keeps its place, its text and file are no longer shown to anyone
     * (they stay in the patient's record), pushed as {@link #CHANGED_EVENT}. Retracting again changes nothing. The
     * same refusals as {@link #edit}. Audited ({@code chat.retract}).
     */
    Message retract(AuthenticatedUser caller, String encounterId, String messageId);

    /**
     * What an edited message said before, oldest first (version 1 as first sent), for the conversation's members;
     * empty for a message never changed. A retracted message's earlier texts are not shown (its history says only
     * that it was retracted: {@link Message#retractedAt}). Audited as a read.
     */
    List<Version> history(AuthenticatedUser caller, String encounterId, String messageId);

    /**
     * The messages changed after the conversation's change counter {@code afterRevision} (0: all changed ones), up
     * to message {@code upToSequence}, in change order, at most {@code limit} (1–200): what a client that resumes
     * missed besides new messages. Each as {@link Change}. Audited as a read.
     */
    List<Change> changes(AuthenticatedUser caller, String encounterId, long afterRevision, long upToSequence,
            int limit);

    /** The event of a message changed (edited or retracted): a {@link Change}. */
    String CHANGED_EVENT = "chat.changed";

    /** A message as it is now, with the conversation's change counter when it last changed. */
    record Change(Message message, long revision) {
    }

    /**
     * One earlier text of a message.
     *
     * @param version 1 as first sent, then one per change
     * @param replacedAt when a change replaced it
     */
    record Version(int version, String text, ChatFiles.Attachment attachment, Instant replacedAt) {
    }

    record Sent(Message message, boolean replayed) {
    }
}
