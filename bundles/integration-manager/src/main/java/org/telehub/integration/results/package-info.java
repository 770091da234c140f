/**
 * Results sent to a patient's external systems by other bundles (issue 20: a signed report to the EHR and the PACS):
 * {@link org.telehub.integration.results.ResultDeliveries} over the Integration Manager's durable deliveries, the
 * same path as {@code POST /integration/patient/{id}/send-results}; since 1.1 with the report's diagnoses and
 * prescription, and addenda that amend their report.
 */
@Version("1.1.0")
package org.telehub.integration.results;

import org.osgi.annotation.versioning.Version;
