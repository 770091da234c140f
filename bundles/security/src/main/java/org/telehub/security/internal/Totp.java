package org.telehub.security.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * RFC 6238 time-based one-time passwords as every authenticator app computes them (HMAC-SHA1, 6 digits, 30 s
 * steps; the defaults of the {@code otpauth} URI, which some apps ignore when set otherwise). The arithmetic is
 * java-otp's, the QR code ZXing's, both embedded privately; what is ours is which steps count: the current one and
 * one either side (a phone's clock a little off, a code typed as it turned), and never a step at or before the last
 * one used, so an observed code cannot be replayed.
 */
final class Totp {
    static final Duration STEP = Duration.ofSeconds(30);
    private static final int DIGITS = 6;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new secret: 160 bits (RFC 4226's recommended length), Base32 as apps take it. */
    static String newSecret() {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        return base32(key);
    }

    static long step(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), STEP.getSeconds());
    }

    /**
     * The step a typed code belongs to: the current step or one either side, whichever the code is; -1 if it is
     * none of them or not six digits.
     */
    static long matchingStep(String base32Secret, String code, Instant now) {
        if (code == null || !code.strip().matches("[0-9]{6}")) {
            return -1;
        }
        int typed = Integer.parseInt(code.strip());
        long current = step(now);
        for (long s = current - 1; s <= current + 1; s++) {
            if (code(base32Secret, s) == typed) {
                return s;
            }
        }
        return -1;
    }

    /** The code of one step. */
    static int code(String base32Secret, long step) {
        try {
            TimeBasedOneTimePasswordGenerator g = new TimeBasedOneTimePasswordGenerator(STEP, DIGITS);
            SecretKey key = new SecretKeySpec(base32Decode(base32Secret), g.getAlgorithm());
            return g.generateOneTimePassword(key, Instant.ofEpochSecond(step * STEP.getSeconds()));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code otpauth://totp/} URI an authenticator app scans: issuer and account in its label and parameters. */
    static String uri(String issuer, String account, String base32Secret) {
        String label = enc(issuer) + ":" + enc(account);
        return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP.getSeconds();
    }

    /** The URI as a QR code, an SVG document (no raster library, scales on any screen). */
    static String qrSvg(String text) {
        try {
            BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    java.util.Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                            EncodeHintType.MARGIN, 4));
            StringBuilder path = new StringBuilder();
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    if (m.get(x, y)) {
                        path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                    }
                }
            }
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight()
                    + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                    + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
        } catch (WriterException e) {
            throw new IllegalStateException("QR code: " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    static byte[] base32Decode(String text) {
        String s = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int i = 0;
        for (char c : s.toCharArray()) {
            int v = ALPHABET.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not Base32: " + c);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[i++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
