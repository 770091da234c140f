/**
 * Results sent to a patient's external systems by other bundles (issue 20: a signed report to the EHR and the PACS):
 * {@link org.telehub.integration.results.ResultDeliveries} over the Integration Manager's durable deliveries, the
 * same path as {@code POST /integration/patient/{id}/send-results}. 1.0.0.
 */
@Version("1.0.0")
package org.telehub.integration.results;

import org.osgi.annotation.versioning.Version;
