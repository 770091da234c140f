package org.telehub.messaging.internal;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSContext;
import javax.jms.JMSException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.messaging.Messaging;

/**
 * The Telehub {@link ConnectionFactory}: Artemis' client, logged in with the broker account. Calls without
 * credentials use that account; reconfiguring replaces the service, so consumers reconnect with the new settings.
 */
@Component(service = ConnectionFactory.class, configurationPid = "org.telehub.messaging",
        property = Messaging.PROPERTY + "=true")
@Designate(ocd = MessagingConfig.class)
public class TelehubConnectionFactory implements ConnectionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TelehubConnectionFactory.class);

    private final ActiveMQConnectionFactory delegate;
    private final BrokerCredentials credentials;

    @Activate
    public TelehubConnectionFactory(MessagingConfig config) {
        this.credentials = BrokerCredentials.of(config);
        this.delegate = new ActiveMQConnectionFactory(config.brokerUrl(), credentials.username(),
                credentials.password());
        // a URL may carry user= and password= parameters: never log their values
        LOG.info("JMS connection factory for {} as {}",
                config.brokerUrl().replaceAll("(?i)((?:password|user)=)[^&;]*", "$1***"), credentials.username());
    }

    @Deactivate
    void close() {
        delegate.close();
    }

    @Override
    public Connection createConnection() throws JMSException {
        return delegate.createConnection(credentials.username(), credentials.password());
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        return delegate.createConnection(user, password);
    }

    @Override
    public JMSContext createContext() {
        return delegate.createContext(credentials.username(), credentials.password());
    }

    @Override
    public JMSContext createContext(String user, String password) {
        return delegate.createContext(user, password);
    }

    @Override
    public JMSContext createContext(String user, String password, int sessionMode) {
        return delegate.createContext(user, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return delegate.createContext(credentials.username(), credentials.password(), sessionMode);
    }
}
