package org.telehub.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A {@code multipart/form-data} body as a browser sends an upload form: one text field and files. */
final class FormData {
    private FormData() {
    }

    static byte[] body(String boundary, String field, String value, String fileField, List<Path> files)
            throws IOException {
        return body(boundary, java.util.Map.of(field, value), fileField, files);
    }

    /** Text fields (in their map's order), then the files. */
    static byte[] body(String boundary, java.util.Map<String, String> fields, String fileField, List<Path> files)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (java.util.Map.Entry<String, String> f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
                    + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Path f : files) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + f.getFileName() + "\"\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(Files.readAllBytes(f));
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }
}
