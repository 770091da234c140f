/**
 * The clinic directory ({@link org.telehub.directory.Directory}): coded specialities, clinics, doctors' public
 * profiles and their search, reviews of doctors after a completed visit, the formulary of medicines.
 */
@Version("1.0.0")
package org.telehub.directory;

import org.osgi.annotation.versioning.Version;
