/**
 * Metrics SPI: a module that owns durable work (deliveries, reminders, webhooks) registers a
 * {@link org.telehub.metrics.WorkCounts} service, and {@code GET /metrics} shows its counts per target and state.
 * The metrics bundle never reads another module's tables.
 */
@Version("1.0.0")
package org.telehub.metrics;

import org.osgi.annotation.versioning.Version;
