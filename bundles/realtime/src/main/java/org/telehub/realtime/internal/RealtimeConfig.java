package org.telehub.realtime.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub realtime channel (/ws)", description = "The WebSocket endpoint of chat,"
        + " notifications and video signalling (issue 17); docs/websocket-protocol.md")
public @interface RealtimeConfig {
    @AttributeDefinition(name = "Largest frame (bytes)", description = "A bigger text frame closes the connection"
            + " with 1009", min = "1024", max = "1048576")
    int maxFrameBytes() default 65536;

    @AttributeDefinition(name = "Frames queued per connection", description = "A client that does not read this"
            + " many frames is closed with 4409 (it resumes after reconnecting); others are never held up",
            min = "8", max = "100000")
    int maxQueuedFrames() default 512;

    @AttributeDefinition(name = "Heartbeat (seconds)", description = "The server pings every connection this often;"
            + " one silent for three heartbeats is closed with 4408", min = "1", max = "3600")
    int heartbeatSeconds() default 25;

    @AttributeDefinition(name = "Credential re-check (seconds)", description = "How often a connection's session or"
            + " token is checked again; an expired, revoked or ended one closes it with 4401", min = "1",
            max = "3600")
    int recheckSeconds() default 60;

    @AttributeDefinition(name = "Frames per second per connection", min = "1", max = "100000")
    int ratePerConnection() default 20;

    @AttributeDefinition(name = "Frames per second per user (all their connections on this node)", min = "1",
            max = "100000")
    int ratePerUser() default 40;

    @AttributeDefinition(name = "Refused frames before closing", description = "A client with this many frames"
            + " refused by the rate limit within one second (it ignores its 429 answers) is closed with 4429", min = "1", max = "100000")
    int floodClose() default 200;

    @AttributeDefinition(name = "Topics per connection", min = "1", max = "10000")
    int maxTopics() default 100;
}
