package org.telehub.files.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.osgi.service.component.annotations.Component;
import org.telehub.files.FileTypes;

/**
 * {@link FileTypes} by Apache Tika's MIME database (magic bytes, then the name's glob only where it names a more
 * specific type of the same family: a ZIP named {@code .docx} is a Word document, a JPEG named {@code .pdf} stays a
 * JPEG).
 */
@Component(service = FileTypes.class)
public class TikaFileTypes implements FileTypes {
    private final MimeTypes types = MimeTypes.getDefaultMimeTypes(TikaFileTypes.class.getClassLoader());

    @Override
    public String detect(InputStream head, String fileName) throws IOException {
        byte[] bytes = head.readNBytes(HEAD_BYTES);
        Metadata metadata = new Metadata();
        if (fileName != null && !fileName.isBlank()) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
        }
        MediaType type = types.detect(new ByteArrayInputStream(bytes), metadata);
        return type.getBaseType().toString();
    }

    @Override
    public String nameFor(String fileName, String type) {
        java.util.List<String> extensions;
        try {
            extensions = types.forName(type).getExtensions();
        } catch (org.apache.tika.mime.MimeTypeException e) {
            return fileName;
        }
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (extensions.isEmpty() || extensions.stream().anyMatch(lower::endsWith)) {
            return fileName;
        }
        return fileName + extensions.get(0);
    }
}
