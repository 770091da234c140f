package org.telehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Stores files encrypted at rest. Contents are written completely (and synced) before their record exists, so a
 * listed file is always whole; a file whose encrypted form was altered or cut fails to read instead of returning
 * altered bytes.
 */
@ProviderType
public interface FileStore {

    /**
     * Stores {@code content} (read to its end, not closed).
     *
     * @param category what the file is, for operators and clean-up, e.g. {@code dicom}, {@code chat}
     */
    StoredFile put(InputStream content, String contentType, String category) throws IOException;

    Optional<StoredFile> find(String id);

    /**
     * The decrypted content. Reading fails with an {@link IOException} if the stored form was tampered with.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    InputStream open(String id) throws IOException;

    /**
     * Starts a file that grows while it is written (a recording): it exists, listed by nothing, from now on; what each
     * {@link Appending#sync} returned for survives a crash. Since 1.3.
     */
    Appending append(String contentType, String category) throws IOException;

    /**
     * Closes a file whose writer stopped without finishing it (it crashed, or the hub did): it keeps every part that
     * was synced whole, a part cut by the crash is dropped, and it is a stored file from then on. A file already
     * whole is answered as it is.
     *
     * @throws java.nio.file.NoSuchFileException if no file of that id was appended
     */
    StoredFile recover(String id) throws IOException;

    /** Removes the file and its record; false if there was none. */
    boolean delete(String id) throws IOException;
}
