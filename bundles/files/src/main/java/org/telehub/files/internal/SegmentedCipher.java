package org.telehub.files.internal;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streaming authenticated encryption in the style of Tink's streaming AEAD: AES-256-GCM over 64 KiB segments, so
 * neither writing nor reading holds a whole file in memory (Java's GCM {@code CipherInputStream} buffers the whole
 * ciphertext before it can verify the tag).
 *
 * <p>Layout: {@code "THF2"}, a 16-byte random salt, then segments of at most {@value #SEGMENT} plain bytes, each
 * followed by its 16-byte tag. The file key is HMAC-SHA256(master key, salt), so no two files share a key. The
 * nonce of segment {@code i} is {@code i} (8 bytes, big endian) followed by 1 for the last segment and 0 otherwise,
 * and the header and the file's id are authenticated with every segment: reordering, dropping, cutting or appending
 * segments, swapping headers between files, or putting one stored file in the place of another (whoever can write
 * the directory could otherwise serve patient A's image as patient B's), all fail the tag check.
 *
 * <p>{@code "THF1"} (the same without the id) came before any release and is refused: there is no installed base
 * to read it for.
 */
final class SegmentedCipher {
    static final int SEGMENT = 64 * 1024;
    static final int TAG = 16;
    private static final byte[] MAGIC = {'T', 'H', 'F', '2'};
    private static final byte[] UNBOUND = {'T', 'H', 'F', '1'};
    static final int HEADER = MAGIC.length + 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] masterKey;

    SegmentedCipher(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes");
        }
        this.masterKey = masterKey.clone();
    }

    /**
     * Encrypts everything written to the result into {@code out}, bound to {@code fileId}; {@code close()} writes
     * the last segment.
     */
    OutputStream encrypt(OutputStream out, String fileId) throws IOException {
        byte[] header = new byte[HEADER];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        System.arraycopy(salt, 0, header, MAGIC.length, salt.length);
        out.write(header);
        return new Encrypting(out, fileKey(salt), associated(header, fileId));
    }

    /**
     * Decrypts {@code in}, which must have been encrypted for {@code fileId}; a read fails with an
     * {@link IOException} as soon as a segment does not verify.
     */
    InputStream decrypt(InputStream in, String fileId) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length == HEADER && AppendCipher.isAppended(header)) {
            return new AppendCipher(this).decrypt(in, header, fileId);
        }
        if (header.length == HEADER && Arrays.equals(Arrays.copyOf(header, MAGIC.length), UNBOUND)) {
            throw new IOException("stored file " + fileId + " is in the pre-release format THF1, which this "
                    + "version does not read");
        }
        if (header.length != HEADER || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw new IOException("not an encrypted Telehub file (bad header)");
        }
        return new Decrypting(in, fileKey(Arrays.copyOfRange(header, MAGIC.length, HEADER)),
                associated(header, fileId));
    }

    /** What every segment authenticates besides its own bytes: the header, then the file id. */
    static byte[] associated(byte[] header, String fileId) {
        byte[] id = fileId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(header, header.length + id.length);
        System.arraycopy(id, 0, aad, header.length, id.length);
        return aad;
    }

    SecretKeySpec fileKey(byte[] salt) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterKey, "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(salt), "AES");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot derive the file key", e);
        }
    }

    static byte[] crypt(int mode, SecretKeySpec key, byte[] aad, long index, boolean last, byte[] data,
            int length) throws IOException {
        ByteBuffer nonce = ByteBuffer.allocate(12).putLong(index).putInt(last ? 1 : 0);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(TAG * 8, nonce.array()));
            c.updateAAD(aad);
            return c.doFinal(data, 0, length);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IOException("stored file failed its integrity check (segment " + index + ")");
        } catch (GeneralSecurityException e) {
            throw new IOException("encryption failure", e);
        }
    }

    private static final class Encrypting extends FilterOutputStream {
        private final SecretKeySpec key;
        private final byte[] aad;
        private final byte[] buffer = new byte[SEGMENT];
        private int filled;
        private long index;
        private boolean closed;

        Encrypting(OutputStream out, SecretKeySpec key, byte[] aad) {
            super(out);
            this.key = key;
            this.aad = aad;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == SEGMENT) {
                    // more data follows a full buffer: it is not the last segment
                    out.write(crypt(Cipher.ENCRYPT_MODE, key, aad, index++, false, buffer, filled));
                    filled = 0;
                }
                int n = Math.min(len, SEGMENT - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.write(crypt(Cipher.ENCRYPT_MODE, key, aad, index++, true, buffer, filled));
                out.flush();
            } finally {
                Arrays.fill(buffer, (byte) 0);
                out.close();
            }
        }
    }

    private static final class Decrypting extends PlainSegments {
        private final java.io.PushbackInputStream in;
        private final SecretKeySpec key;
        private final byte[] aad;
        private final byte[] cipherBuffer = new byte[SEGMENT + TAG];
        private long index;
        private boolean last;

        Decrypting(InputStream in, SecretKeySpec key, byte[] aad) {
            this.in = new java.io.PushbackInputStream(in, 1);
            this.key = key;
            this.aad = aad;
        }

        @Override
        protected boolean fill() throws IOException {
            while (pos == plain.length) {
                if (last) {
                    return false;
                }
                int n = in.readNBytes(cipherBuffer, 0, cipherBuffer.length);
                if (n < TAG) {
                    throw new EOFException("stored file is truncated (segment " + index + ")");
                }
                boolean isLast = n < cipherBuffer.length;
                if (!isLast) {
                    // a full segment is the last one only if nothing follows it
                    int next = in.read();
                    isLast = next < 0;
                    if (!isLast) {
                        in.unread(next);
                    }
                }
                plain = crypt(Cipher.DECRYPT_MODE, key, aad, index++, isLast, cipherBuffer, n);
                pos = 0;
                last = isLast;
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static String hex(MessageDigest digest) {
        StringBuilder s = new StringBuilder();
        for (byte b : digest.digest()) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }
}
