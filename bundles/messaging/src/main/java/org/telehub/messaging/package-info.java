/**
 * Messaging: consumers take the {@code javax.jms.ConnectionFactory} service selected by {@link
 * org.telehub.messaging.Messaging#CONNECTION_FACTORY_FILTER}; it reaches the embedded Artemis broker by default and
 * an external broker or cluster by configuration ({@code etc/org.telehub.messaging.cfg}).
 */
@Version("1.0.0")
package org.telehub.messaging;

import org.osgi.annotation.versioning.Version;
