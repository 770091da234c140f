package org.telehub.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub metrics", description = "GET /metrics (Prometheus text format) for a"
        + " monitoring system, behind a scrape token of its own: no user account, no 8-hour token.")
@interface MetricsConfig {
    @AttributeDefinition(name = "Scrape token", type = AttributeType.PASSWORD, required = false,
            description = "The bearer token a scraper sends. Empty: one is generated at first start and kept,"
                    + " readable by the hub's user only, in the token file.")
    String scrapeToken() default "";

    @AttributeDefinition(name = "Token file", required = false,
            description = "Where the generated token is kept; empty = <karaf.data>/telehub/metrics.token.")
    String tokenFile() default "";
}
