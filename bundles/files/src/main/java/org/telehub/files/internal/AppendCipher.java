package org.telehub.files.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stored form of a file written while it grows (a recording): the same keys, nonces and associated data as
 * {@link SegmentedCipher}, but segments of any size, each prefixed by its encrypted length, so that every sync can
 * close a segment however little arrived (a recording's few kilobytes a second would otherwise wait 16 s for a full
 * 64 KiB segment, and a crash would lose them).
 *
 * <p>Layout: {@code "THA1"}, a 16-byte salt, then records of a 4-byte big-endian length and that many bytes of
 * AES-256-GCM ciphertext with its tag. The last record has the last-segment nonce flag: a file without it is cut
 * (refused on reading) until {@link FileStoreService#recover} closes it, keeping every record that verifies.
 */
final class AppendCipher {
    static final byte[] MAGIC = {'T', 'H', 'A', '1'};
    /** The largest record: a sync of more than this is cut into several. */
    static final int MAX_RECORD = SegmentedCipher.SEGMENT;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SegmentedCipher keys;

    AppendCipher(SegmentedCipher keys) {
        this.keys = keys;
    }

    static boolean isAppended(byte[] header) {
        return Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC);
    }

    /** A new file's header. */
    static byte[] header() {
        byte[] header = new byte[SegmentedCipher.HEADER];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        System.arraycopy(salt, 0, header, MAGIC.length, salt.length);
        return header;
    }

    /** Encrypts one record (length prefix included) of file {@code fileId} with {@code header}. */
    byte[] record(byte[] header, String fileId, long index, boolean last, byte[] plain, int length)
            throws IOException {
        byte[] sealed = SegmentedCipher.crypt(Cipher.ENCRYPT_MODE, key(header), SegmentedCipher.associated(header,
                fileId), index, last, plain, length);
        return ByteBuffer.allocate(4 + sealed.length).putInt(sealed.length).put(sealed).array();
    }

    SecretKeySpec key(byte[] header) throws IOException {
        return keys.fileKey(Arrays.copyOfRange(header, MAGIC.length, SegmentedCipher.HEADER));
    }

    /** Reads after the header; fails on a record that does not verify and on a file without its last record. */
    InputStream decrypt(InputStream in, byte[] header, String fileId) throws IOException {
        SecretKeySpec key = key(header);
        byte[] aad = SegmentedCipher.associated(header, fileId);
        DataInputStream data = new DataInputStream(in);
        return new PlainSegments() {
            private long index;
            private boolean last;

            @Override
            protected boolean fill() throws IOException {
                while (pos == plain.length) {
                    if (last) {
                        return false;
                    }
                    Record r = next(data, key, aad, index);
                    if (r == null) {
                        throw new EOFException("stored file is cut before its last record (record " + index + ")");
                    }
                    index++;
                    plain = r.plain();
                    pos = 0;
                    last = r.last();
                }
                return true;
            }

            @Override
            public void close() throws IOException {
                data.close();
            }
        };
    }

    /**
     * The next record, or null at the end of the data (nothing or only part of a record left). A whole record that
     * fails its check is an {@link IOException}: it was altered, or (for recovery) never completely written.
     */
    static Record next(DataInputStream in, SecretKeySpec key, byte[] aad, long index) throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length < 4) {
            return null;
        }
        int n = ByteBuffer.wrap(len).getInt();
        if (n < SegmentedCipher.TAG || n > MAX_RECORD + SegmentedCipher.TAG) {
            throw new IOException("stored file failed its integrity check (record " + index + " length " + n + ")");
        }
        byte[] sealed = in.readNBytes(n);
        if (sealed.length < n) {
            return null;
        }
        try {
            return new Record(SegmentedCipher.crypt(Cipher.DECRYPT_MODE, key, aad, index, false, sealed, n), false,
                    4 + n);
        } catch (IOException notMiddle) {
            return new Record(SegmentedCipher.crypt(Cipher.DECRYPT_MODE, key, aad, index, true, sealed, n), true,
                    4 + n);
        }
    }

    record Record(byte[] plain, boolean last, int stored) {
    }
}
