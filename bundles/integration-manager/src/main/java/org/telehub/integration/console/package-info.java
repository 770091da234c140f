/**
 * For the Telehub pages of the Karaf web console: who may use them and their forms' forgery protection
 * ({@link org.telehub.integration.console.ConsoleGuard}), shared by the manager's page and the adapters' own.
 */
@Version("1.0.0")
package org.telehub.integration.console;

import org.osgi.annotation.versioning.Version;
