/**
 * How a capability plugs into the Integration Manager. A capability is an adapter SPI interface (such as
 * {@link org.telehub.integration.api.ProcedureSystem}); its {@link org.telehub.integration.spi.CapabilityHandler}
 * is an OSGi service, found by the manager in the service registry the way adapters are. The handler knows what
 * the manager must not: how that capability reads a patient and files a result. The manager only iterates
 * handlers, so a new capability is a new interface plus a handler in its own bundle, never an edit to the manager.
 */
@Version("1.2.0")
package org.telehub.integration.spi;

import org.osgi.annotation.versioning.Version;
