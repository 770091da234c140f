/**
 * The hub's own media peer (issue 18): a WebRTC participant that runs on the server, out of the hub's process. 1.0.0:
 * audio recording sessions ({@link org.telehub.media.MediaEngine}). 1.1.0: live pictures ({@code camera}), e.g. an
 * endoscopy system's video entering a visit as a session that sends instead of records.
 */
@Version("1.1.0")
package org.telehub.media;

import org.osgi.annotation.versioning.Version;
