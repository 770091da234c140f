/**
 * The Telehub database as a service: {@link org.telehub.persistence.Database} gives a {@code Jdbi} over the
 * container's {@code DataSource} and applies each module's versioned schema migrations.
 */
@Version("2.0.0")
package org.telehub.persistence;

import org.osgi.annotation.versioning.Version;
