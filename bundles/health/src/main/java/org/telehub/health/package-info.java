/**
 * Health SPI: any bundle registers a {@link org.telehub.health.HealthIndicator} service and it appears in
 * {@code GET /api/v1/health}. Indicators must answer quickly, never throw, and say nothing about patients.
 */
@Version("1.0.0")
package org.telehub.health;

import org.osgi.annotation.versioning.Version;
