/**
 * Telehub's file store. Every stored file is encrypted at rest; callers see plain streams. The same master key
 * seals secrets that other bundles keep in the database ({@link org.telehub.files.SecretBox}). 1.2.0: uploads are
 * typed from their content ({@link org.telehub.files.FileTypes}) and scanned ({@link org.telehub.files.VirusScanner}).
 */
@Version("1.2.0")
package org.telehub.files;

import org.osgi.annotation.versioning.Version;
