package org.telehub.realtime;

import org.osgi.annotation.versioning.ProviderType;

/** Sends an event frame to one connection, queued behind what it already has; never blocks. */
@ProviderType
public interface Push {
    /**
     * Queues {@code {"v":1,"type":type,"data":data}}. A connection whose queue is full (a client that does not
     * read) is closed with {@code 4409} and resumes after reconnecting; the frame is then dropped.
     */
    void push(String type, Object data);
}
