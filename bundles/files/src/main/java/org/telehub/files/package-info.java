/**
 * Telehub's file store. Every stored file is encrypted at rest; callers see plain streams.
 */
@Version("1.0.0")
package org.telehub.files;

import org.osgi.annotation.versioning.Version;
