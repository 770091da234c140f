/**
 * Clinical reports (issue 20): {@link org.telehub.reporting.Reports} is the transport-free service the REST resource
 * adapts; {@link org.telehub.reporting.DraftSource} is what other bundles register to put their part into a new
 * draft (the visit's notes are the built-in source; a transcript or the EHR's vital signs later). 1.0.0.
 */
@Version("1.1.0")
package org.telehub.reporting;

import org.osgi.annotation.versioning.Version;
