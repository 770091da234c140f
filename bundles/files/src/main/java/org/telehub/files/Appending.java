package org.telehub.files;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A stored file written as it grows ({@link FileStore#append}): a recording, whose writer may die at any moment.
 * What {@link #sync} returned for survives a crash of the writer or of the hub; {@link FileStore#recover} turns what
 * a dead writer left into a whole stored file. Not for several threads at once.
 */
@ProviderType
public interface Appending extends AutoCloseable {
    /** The file's id, the same once it is finished or recovered. */
    String id();

    /** Adds bytes (kept in memory until the next {@link #sync}). */
    void write(byte[] b, int off, int len) throws IOException;

    /** Encrypts what was written since the last sync and makes it durable; answers the bytes durable in all. */
    long sync() throws IOException;

    /** Syncs and closes the file: it is a whole stored file from now on. */
    StoredFile finish() throws IOException;

    /** Lets go of the file without finishing it (what was synced stays, to be recovered). */
    @Override
    void close();
}
