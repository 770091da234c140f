package org.telehub.realtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes the message types named by its service property {@link #TYPES} ({@code chat.send}, …): one frame from a
 * connection, answered by an {@code ack} frame carrying what {@link #handle} returns, or by an {@code error} frame
 * when it throws a {@link org.telehub.domain.DomainException} (its kind gives the status, as over REST: 400, 401,
 * 403, 404, 409, 422, 502, 503). Authorisation is the domain service's: the handler passes the caller on.
 *
 * <p>Calls of one connection arrive one at a time, in the order they were sent; a handler may block (a database
 * write) without holding up other connections.
 */
@ConsumerType
public interface SocketHandler {
    /** Service property: the message types this handler takes (String or String[]); a type has one handler. */
    String TYPES = "telehub.socket.types";

    /** What the {@code ack} frame carries (serialised as JSON; null: no {@code data}). */
    Object handle(SocketCall call);
}
