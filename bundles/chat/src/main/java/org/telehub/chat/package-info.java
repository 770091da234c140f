/**
 * Conversations (issue 17): {@link org.telehub.chat.Conversations} is the transport-free service the REST resource
 * (and later the {@code /ws} channel) adapts. 1.0.0: one conversation per encounter, text messages, history by
 * sequence.
 */
@Version("1.0.0")
package org.telehub.chat;

import org.osgi.annotation.versioning.Version;
