package org.telehub.files.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * The plain side of a stored file being read: one decrypted segment at a time, as {@link #fill} makes it (both
 * stored forms, whole files' fixed segments and appended files' records).
 */
abstract class PlainSegments extends InputStream {
    /** The current segment's plain bytes, and how far they were read. */
    protected byte[] plain = new byte[0];
    protected int pos;

    /** Makes unread plain bytes available (decrypting the next segment while there are none); false at the end. */
    protected abstract boolean fill() throws IOException;

    @Override
    public int read() throws IOException {
        return fill() ? plain[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, plain.length - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }
}
