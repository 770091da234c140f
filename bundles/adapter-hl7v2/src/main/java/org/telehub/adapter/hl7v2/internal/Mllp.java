package org.telehub.adapter.hl7v2.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * MLLP framing (HL7 v2 Transport Specification, release 2): a message is sent as {@code <VT> bytes <FS><CR>}.
 * Written here rather than taken from HAPI's server because the hub must hold the exact bytes before anything parses
 * them, cap a message's size while reading it, and tell a broken frame from a closed connection.
 */
final class Mllp {
    static final int START = 0x0b;
    static final int END = 0x1c;
    static final int CR = 0x0d;

    private Mllp() {
    }

    /** One frame read, or why none could be. */
    record Frame(byte[] content, boolean oversized) {
    }

    /** No frame began within the socket's timeout: a quiet connection, not a broken one. */
    static final class Idle extends java.net.SocketTimeoutException {
        Idle() {
            super("no message");
        }
    }

    /** The connection broke the framing: bytes outside a frame, or closed inside one. */
    static final class FramingException extends IOException {
        FramingException(String message) {
            super(message);
        }
    }

    /**
     * Reads the next frame; null when the peer closed the connection between frames. Bytes of a frame beyond
     * {@code max} are read and dropped (the frame is then {@code oversized}).
     *
     * @throws FramingException when a frame does not start with VT (whitespace between frames is allowed) or the
     *             connection ends inside one
     */
    static Frame read(InputStream in, int max) throws IOException {
        int b;
        do {
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException quiet) {
                throw new Idle();
            }
            if (b < 0) {
                return null;
            }
        } while (b == CR || b == '\n' || b == ' ');
        if (b != START) {
            throw new FramingException("bytes outside an MLLP frame (0x" + Integer.toHexString(b) + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        boolean oversized = false;
        boolean afterEnd = false;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new FramingException("connection closed inside a frame, " + out.size() + " bytes read");
            }
            if (afterEnd && c == CR) {
                return new Frame(out.toByteArray(), oversized);
            }
            if (afterEnd) { // FS not followed by CR: content after all
                oversized |= !put(out, END, max);
            }
            afterEnd = c == END;
            if (!afterEnd) {
                oversized |= !put(out, c, max);
            }
        }
    }

    private static boolean put(ByteArrayOutputStream out, int c, int max) {
        if (out.size() >= max) {
            return false;
        }
        out.write(c);
        return true;
    }

    static void write(OutputStream out, byte[] content) throws IOException {
        byte[] frame = new byte[content.length + 3];
        frame[0] = START;
        System.arraycopy(content, 0, frame, 1, content.length);
        frame[frame.length - 2] = END;
        frame[frame.length - 1] = CR;
        out.write(frame);
        out.flush();
    }
}
