package org.telehub.files;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a file is, from its content (its first bytes; the name only breaks ties within a family, such as the Office
 * formats inside a ZIP), never from what the sender declared.
 */
@ProviderType
public interface FileTypes {

    /** How many leading bytes {@link #detect} reads at most. */
    int HEAD_BYTES = 64 * 1024;

    /**
     * The media type, e.g. {@code image/jpeg}; {@code application/octet-stream} when nothing matches.
     *
     * @param head the content's first bytes (at most {@link #HEAD_BYTES} are read; not closed)
     * @param fileName the sender's file name, or null
     */
    String detect(InputStream head, String fileName) throws IOException;

    /**
     * {@code fileName} with an extension of {@code type}: kept when it has one already ({@code scan.JPG} for a JPEG),
     * else with the type's usual one added ({@code x.url} holding text becomes {@code x.url.txt}), so that a saved
     * file opens as what it is, not as what its name claimed. Unchanged for a type without a known extension.
     */
    String nameFor(String fileName, String type);
}
