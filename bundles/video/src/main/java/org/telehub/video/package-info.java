/**
 * Video rooms of visits: who is in a visit's room, who waits, and the relay of WebRTC signalling between the peers
 * the moderator let in ({@link org.telehub.video.Rooms}). Media go peer to peer; the hub carries signalling only.
 */
@Version("1.0.0")
package org.telehub.video;

import org.osgi.annotation.versioning.Version;
