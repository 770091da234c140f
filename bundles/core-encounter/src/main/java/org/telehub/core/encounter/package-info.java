/**
 * What other bundles use of encounters: the {@link org.telehub.core.encounter.NotificationChannel} SPI (email and
 * SMS channels register one each) and {@link org.telehub.core.encounter.JoinTokens}, which checks the signed join
 * links the media bundle is given.
 */
@Version("1.0.0")
package org.telehub.core.encounter;

import org.osgi.annotation.versioning.Version;
