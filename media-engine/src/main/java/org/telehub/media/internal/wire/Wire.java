package org.telehub.media.internal.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames between the hub and its media engine over a Unix domain socket the hub listens on (not the child's stdout:
 * the native library and the JVM print there): a 4-byte length, then a kind byte,
 * then either a message (a count and that many key/value strings) or a session's media bytes (its id, then the
 * bytes). Length-prefixed both ways so that a recording's binary never needs escaping and a cut frame is seen.
 */
public final class Wire {
    public static final byte MESSAGE = 'M';
    public static final byte DATA = 'D';
    /** Larger frames are refused: a reader never allocates what a broken peer announces. */
    public static final int MAX_FRAME = 4 * 1024 * 1024;

    private final DataInputStream in;
    private final DataOutputStream out;

    public Wire(InputStream in, OutputStream out) {
        this.in = in == null ? null : new DataInputStream(new java.io.BufferedInputStream(in, 65536));
        this.out = out == null ? null : new DataOutputStream(new java.io.BufferedOutputStream(out, 65536));
    }

    /**
     * A wire over a connected socket channel. Not {@code Channels.newInputStream}/{@code newOutputStream}: on a
     * selectable channel both hold its blocking lock, so a read waiting for the next frame would block every write.
     */
    public static Wire over(java.nio.channels.SocketChannel channel) {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(java.nio.ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
        return new Wire(in, out);
    }

    /** Closes both directions (the engine then leaves; the hub's reader sees the end). */
    public void close() throws IOException {
        try {
            if (in != null) {
                in.close();
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }

    /** What was read: a message, or a session's data. */
    public record Frame(Map<String, String> message, String session, byte[] data) {
        public String op() {
            return message == null ? null : message.get("op");
        }
    }

    /** The next frame, or null at the end of the stream. */
    public Frame read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        if (length < 1 || length > MAX_FRAME) {
            throw new IOException("media wire: a frame of " + length + " bytes");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("media wire: a frame cut after " + body.length + " of " + length + " bytes");
        }
        DataInputStream b = new DataInputStream(new java.io.ByteArrayInputStream(body, 1, length - 1));
        if (body[0] == MESSAGE) {
            int n = b.readUnsignedShort();
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(string(b), string(b));
            }
            return new Frame(m, null, null);
        }
        if (body[0] == DATA) {
            String session = string(b);
            return new Frame(null, session, b.readAllBytes());
        }
        throw new IOException("media wire: unknown frame kind " + body[0]);
    }

    /** Sends a message: {@code op} and its fields (null values left out). */
    public synchronized void send(String op, Map<String, String> fields) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(buf);
        b.writeByte(MESSAGE);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("op", op);
        fields.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        b.writeShort(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            string(b, e.getKey());
            string(b, e.getValue());
        }
        frame(buf.toByteArray());
    }

    /** Sends a session's bytes. */
    public synchronized void data(String session, byte[] data, int off, int len) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(len + 64);
        DataOutputStream b = new DataOutputStream(buf);
        b.writeByte(DATA);
        string(b, session);
        b.write(data, off, len);
        frame(buf.toByteArray());
    }

    private void frame(byte[] body) throws IOException {
        if (body.length > MAX_FRAME) {
            throw new IOException("media wire: a frame of " + body.length + " bytes is too large");
        }
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAME) {
            throw new IOException("media wire: a string of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
