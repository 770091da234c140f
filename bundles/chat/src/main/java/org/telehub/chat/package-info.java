/**
 * Conversations (issue 17): {@link org.telehub.chat.Conversations} is the transport-free service the REST resource
 * (and later the {@code /ws} channel) adapts. 1.0.0: one conversation per encounter, text messages, history by
 * sequence. 2.0.0: messages carry an attachment ({@link org.telehub.chat.ChatFiles}: uploads typed from their
 * content, scanned, encrypted, downloaded through short-lived signed links); {@code Message} gained its component;
 * read receipts ({@code markRead}, a {@code Conversation}'s reads and unread count) and typing. 2.1.0: the caller's
 * conversations newest first ({@code recent}). 2.2.0:
 * unseen notices per user ({@code notices}, {@code markSeen}, the {@code notice.changed} event). 3.0.0: editing and
 * retraction with history ({@code edit}, {@code retract}, {@code history}, {@code changes}); {@code Message} gained
 * {@code editedAt} and {@code retractedAt}, {@code Conversation} its {@code revision}. 4.0.0: direct conversations
 * between clinicians ({@code openDirect}, {@code colleagues}, the {@code direct(id)} key taken where an encounter id
 * is); {@code Conversation}, {@code Summary} and {@code Notice} gained {@code colleagueName}; resumable uploads in pieces
 * ({@code ChatFiles.startUpload}, {@code appendUpload}, {@code uploadStatus}, {@code cancelUpload}).
 */
@Version("4.0.0")
package org.telehub.chat;

import org.osgi.annotation.versioning.Version;
