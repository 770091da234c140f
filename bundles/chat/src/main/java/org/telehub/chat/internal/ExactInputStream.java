package org.telehub.chat.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Exactly {@code length} bytes of a stream, or {@link WrongLength}: when it ends before them, has more after them (a
 * piece of an upload must be what its Content-Range says), or cannot be read (the client's connection was cut: the
 * container's end-of-stream error), so that what the client did is told from what the store did.
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
            int more;
            try {
                more = in.read();
            } catch (IOException cut) {
                more = -1; // all of it came; what follows does not matter
            }
            if (more >= 0) {
                throw new WrongLength("The piece holds more than the " + length + " bytes its Content-Range names");
            }
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, length - read));
        } catch (IOException cut) {
            throw new WrongLength("The piece's connection ended after " + read + " of the " + length + " bytes its"
                    + " Content-Range names (" + cut.getMessage() + ")");
        }
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
