package org.telehub.messaging.internal;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Session;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.health.HealthIndicator;
import org.telehub.messaging.Messaging;

/** Health of the broker: log in and open a session through the Telehub connection factory. */
@Component(service = HealthIndicator.class)
public class BrokerHealth implements HealthIndicator {
    private final ConnectionFactory factory;

    @Activate
    public BrokerHealth(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY, target = Messaging.CONNECTION_FACTORY_FILTER)
    ConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public String name() {
        return "broker";
    }

    @Override
    public Check check() {
        if (factory == null) {
            return Check.down("no JMS connection factory: check etc/org.telehub.messaging.cfg", 0);
        }
        long start = System.nanoTime();
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            return Check.up("Artemis", (System.nanoTime() - start) / 1_000_000);
        } catch (JMSException | RuntimeException e) {
            // the message names the cause (refused, login failed) but never the credentials
            return Check.down("cannot connect: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }
}
