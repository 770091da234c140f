package org.telehub.video.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub video rooms", description = "Video and audio visits (issue 18): ICE servers "
        + "handed to each peer that joins, and the waiting room's heartbeat.")
public @interface VideoConfig {
    @AttributeDefinition(name = "STUN servers", description = "URLs such as stun:turn.example.org:3478; empty: none",
            required = false)
    String[] stunUrls() default {};

    @AttributeDefinition(name = "TURN servers", description = "URLs such as turn:turn.example.org:3478?transport=udp "
            + "and turns:turn.example.org:5349; each join gets a credential for them", required = false)
    String[] turnUrls() default {};

    @AttributeDefinition(name = "TURN shared secret", description = "coturn's static-auth-secret (use-auth-secret): "
            + "credentials are username expiry:peer and the HMAC-SHA1 of this secret over it", type = AttributeType.PASSWORD,
            required = false)
    String turnSecret() default "";

    @AttributeDefinition(name = "TURN credential lifetime (minutes)", min = "5", max = "1440")
    int credentialMinutes() default 240;

    @AttributeDefinition(name = "Relayed media only", description = "Peers use TURN relays only, never a direct "
            + "path (clinics behind strict firewalls, or that must not show peers each other's addresses); needs a "
            + "TURN server")
    boolean relayOnly() default false;

    @AttributeDefinition(name = "Heartbeat (seconds)", description = "How often a peer says it is still there; one not "
            + "heard from for three heartbeats is gone from the room", min = "5", max = "120")
    int heartbeatSeconds() default 20;
}
