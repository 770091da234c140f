package org.telehub.messaging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub messaging", description = "Connection to the Artemis broker: the embedded"
        + " one by default, or an external broker or cluster.")
@interface MessagingConfig {
    @AttributeDefinition(name = "Broker URL", description = "Artemis core URL, e.g. tcp://127.0.0.1:61616 or"
            + " (tcp://a:61616,tcp://b:61616)?ha=true&reconnectAttempts=-1 for a cluster. Keep consumerWindowSize=0:"
            + " without it a consumer busy with a slow system holds prefetched messages back.")
    String brokerUrl() default "tcp://127.0.0.1:61616?consumerWindowSize=0";

    @AttributeDefinition(name = "Username")
    String username() default "telehub";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, description = "Empty: the embedded"
            + " broker's generated secret (secret file below) is used by both the client and the broker.")
    String password() default "";

    @AttributeDefinition(name = "Secret file", description = "Where the embedded broker's generated secret is kept"
            + " (created on first start, readable by the owner only). Empty: ${karaf.data}/telehub/broker.secret.")
    String secretFile() default "";
}
