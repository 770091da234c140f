package org.telehub.chat.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Exactly {@code length} bytes of a stream, or {@link WrongLength}: when it ends before them, or has more after them
 * (a piece of an upload must be what its Content-Range says).
 */
final class ExactInputStream extends FilterInputStream {
    private final long length;
    private long read;

    ExactInputStream(InputStream in, long length) {
        super(in);
        this.length = length;
    }

    /** The stream was not {@code length} bytes long. */
    static final class WrongLength extends IOException {
        private static final long serialVersionUID = 1L;

        WrongLength(String message) {
            super(message);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read == length) {
            if (in.read() >= 0) {
                throw new WrongLength("The piece holds more than the " + length + " bytes its Content-Range names");
            }
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, length - read));
        if (n < 0) {
            throw new WrongLength("The piece ended after " + read + " of the " + length + " bytes its Content-Range"
                    + " names");
        }
        read += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("not supported");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
