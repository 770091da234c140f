/**
 * Telehub's file store. Every stored file is encrypted at rest; callers see plain streams. The same master key
 * seals secrets that other bundles keep in the database ({@link org.telehub.files.SecretBox}). 1.2.0: uploads are
 * typed from their content ({@link org.telehub.files.FileTypes}) and scanned ({@link org.telehub.files.VirusScanner}). 1.3.0: files written as they grow and recovered after a crash
 * ({@link org.telehub.files.Appending}).
 */
@Version("1.3.0")
package org.telehub.files;

import org.osgi.annotation.versioning.Version;
