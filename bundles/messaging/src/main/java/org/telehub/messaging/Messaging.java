package org.telehub.messaging;

/** How to find Telehub's JMS connection factory in the service registry. */
public final class Messaging {
    /** Service property set on the Telehub {@code ConnectionFactory}. */
    public static final String PROPERTY = "telehub.jms";
    /** {@code @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory cf}. */
    public static final String CONNECTION_FACTORY_FILTER = "(" + PROPERTY + "=true)";

    private Messaging() {
    }
}
