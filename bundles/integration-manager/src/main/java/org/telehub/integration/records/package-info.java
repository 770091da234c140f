/**
 * A patient's records in their external systems, read on the hub's behalf by other bundles (issue 20: the vital
 * signs of a visit for its report's draft): {@link org.telehub.integration.records.PatientRecords} over the
 * Integration Manager's call path (each system's bulkhead and timeout), every read audited. 1.0.0.
 */
@Version("1.0.0")
package org.telehub.integration.records;

import org.osgi.annotation.versioning.Version;
