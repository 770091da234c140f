/**
 * Video rooms of visits: who is in a visit's room, who waits, and the relay of WebRTC signalling between the peers
 * the moderator let in ({@link org.telehub.video.Rooms}). Media go peer to peer; the hub carries signalling, and
 * joins as a peer itself only to record. 2.0.0: consented recording (the roster's recorder and each peer's consent,
 * {@code consent}, {@code record}, the recordings of a visit). 2.1.0: {@code handOver}, the lead of
 * the room passed to a colleague and back. 3.0.0: live pictures (an endoscopy system's video) shown in a room
 * ({@code showCamera}, {@code hideCamera}, {@code cameras}, the roster's {@code cameras}: a record's new component).
 */
@Version("3.0.0")
package org.telehub.video;

import org.osgi.annotation.versioning.Version;
