package org.telehub.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts what is read and fails the moment more than {@code limit} bytes have come, so an oversized body or upload is
 * never buffered or kept whole: by default with {@link LimitExceeded}; a subclass may fail otherwise ({@link #exceeded}).
 *
 * @since 1.2
 */
public class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** More than the limit was read. */
    public static class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        public LimitExceeded(long limit) {
            super("more than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** Called once more than {@code limit} bytes have been read; throws. */
    protected void exceeded(long limit) throws IOException {
        throw new LimitExceeded(limit);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    private void count(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded(limit);
        }
    }
}
