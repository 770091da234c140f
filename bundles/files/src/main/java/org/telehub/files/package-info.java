/**
 * Telehub's file store. Every stored file is encrypted at rest; callers see plain streams. The same master key
 * seals secrets that other bundles keep in the database ({@link org.telehub.files.SecretBox}).
 */
@Version("1.1.0")
package org.telehub.files;

import org.osgi.annotation.versioning.Version;
