package org.telehub.adapter.pacs.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a {@code multipart/related} body (RFC 2387, as WADO-RS sends it) into files, streaming: a part never has
 * to fit in memory.
 */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|([^;\\s]+))");

    interface FileFactory {
        Path create() throws IOException;
    }

    interface PartHandler {
        void take(Path file) throws IOException;
    }

    private Multipart() {
    }

    static String boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** Writes each part's body to a new file and hands it over; returns the number of parts. */
    static int split(InputStream in, String boundary, FileFactory files, PartHandler handler) throws IOException {
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        // a CRLF in front makes the first boundary look like every other delimiter (RFC 2046 allows a preamble)
        in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[] {'\r', '\n'}), in);
        if (!skipTo(in, delimiter)) {
            throw new IOException("multipart body without its first boundary");
        }
        int parts = 0;
        while (true) {
            int a = in.read();
            int b = in.read();
            if (a == '-' && b == '-') {
                return parts; // close delimiter
            }
            if (a != '\r' || b != '\n') {
                throw new IOException("malformed multipart boundary line");
            }
            skipHeaders(in);
            Path file = files.create();
            boolean complete;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                complete = copyTo(in, delimiter, out);
            }
            if (!complete) {
                Files.deleteIfExists(file);
                throw new IOException("multipart body ended inside a part (connection cut?)");
            }
            parts++;
            handler.take(file);
        }
    }

    private static void skipHeaders(InputStream in) throws IOException {
        int state = 0; // counts the bytes of CRLFCRLF seen in a row
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("multipart part headers cut off");
            }
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (c == '\r' ? 1 : 0);
        }
    }

    private static boolean skipTo(InputStream in, byte[] pattern) throws IOException {
        return copyTo(in, pattern, OutputStream.nullOutputStream());
    }

    /**
     * Copies {@code in} to {@code out} up to (not including) {@code pattern}, which is consumed. Returns false if the
     * stream ended first. The pattern starts with '\r', which occurs nowhere else in it, so on a mismatch the matched
     * prefix can be flushed whole and matching restarts at the current byte.
     */
    private static boolean copyTo(InputStream in, byte[] pattern, OutputStream out) throws IOException {
        int matched = 0;
        int c;
        while ((c = in.read()) >= 0) {
            if (c == (pattern[matched] & 0xff)) {
                matched++;
                if (matched == pattern.length) {
                    return true;
                }
                continue;
            }
            if (matched > 0) {
                out.write(pattern, 0, matched);
                matched = 0;
                if (c == (pattern[0] & 0xff)) {
                    matched = 1;
                    continue;
                }
            }
            out.write(c);
        }
        return false;
    }
}
