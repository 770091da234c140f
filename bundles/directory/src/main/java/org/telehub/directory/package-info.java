/**
 * The clinic directory ({@link org.telehub.directory.Directory}): coded specialities, clinics, doctors' public
 * profiles and their search, reviews of doctors after a completed visit, the formulary of medicines; since 1.1
 * follows of doctors, {@link org.telehub.directory.Insurance insurance} and {@link org.telehub.directory.Diseases
 * diseases} (ICD-10).
 */
@Version("1.1.0")
package org.telehub.directory;

import org.osgi.annotation.versioning.Version;
