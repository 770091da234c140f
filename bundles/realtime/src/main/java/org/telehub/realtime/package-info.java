/**
 * The hub's one WebSocket channel, {@code /ws} (issue 17), for every capability that pushes: chat now, notifications
 * and video signalling next. A capability offers message types by registering a {@link
 * org.telehub.realtime.SocketHandler} service; it reaches connections on any node by publishing to a topic through
 * {@link org.telehub.realtime.Fanout}, and a connection follows a topic by {@link
 * org.telehub.realtime.SocketCall#subscribe}. The wire protocol (version 1) is in {@code docs/websocket-protocol.md}.
 * 1.0.0: handlers, calls, topic listeners, fan-out. 1.1.0: {@code SocketCall.onClose} (what a handler holds for a
 * connection is let go when it ends) and {@code SocketCall.connectionId}. 1.2.0: {@link org.telehub.realtime.TopicFollower},
 * topics the hub itself follows (the recording media peer).
 */
@Version("1.2.0")
package org.telehub.realtime;

import org.osgi.annotation.versioning.Version;
