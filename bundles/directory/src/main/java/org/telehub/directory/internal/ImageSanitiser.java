package org.telehub.directory.internal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.telehub.domain.TooLargeException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.UnsupportedTypeException;

/**
 * Doctors' photos and clinics' logos as the directory keeps them: the upload is decoded (PNG, JPEG, GIF or BMP, by
 * the JDK's ImageIO, which reads the content, not a declared type), scaled to fit {@code maxSide} and encoded anew
 * by the hub, a photo as JPEG and a logo as PNG (transparency kept). What is stored and served is therefore pixels
 * the hub wrote itself: no metadata (a phone's GPS position in EXIF), no trailing payload, no polyglot file, which is
 * why these pictures need no virus scan where chat's files (kept as sent) have one. A decompression bomb is refused
 * before decoding by its declared size.
 */
final class ImageSanitiser {
    /** The largest upload taken. */
    static final int MAX_BYTES = 5 * 1024 * 1024;
    /** Declared width × height beyond this is refused before any pixel is decoded. */
    static final long MAX_PIXELS = 40_000_000L;

    private ImageSanitiser() {
    }

    /** The stored form: type and bytes. */
    record Picture(String contentType, byte[] bytes) {
    }

    static byte[] read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new TooLargeException("file", "At most " + MAX_BYTES / (1024 * 1024) + " MiB");
        }
        if (bytes.length == 0) {
            throw new UnprocessableException("file", "Empty: send the image as the request's body");
        }
        return bytes;
    }

    /**
     * The upload re-encoded: fitted into {@code maxSide} × {@code maxSide} (never enlarged); {@code png}: PNG with
     * transparency, else JPEG on white.
     */
    static Picture sanitised(byte[] upload, int maxSide, boolean png) throws IOException {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(upload))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new UnsupportedTypeException("file", "Not an image the hub reads: send a PNG or JPEG");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new UnprocessableException("file", "The image is " + reader.getWidth(0) + " × "
                            + reader.getHeight(0) + " pixels; at most " + MAX_PIXELS / 1_000_000 + " megapixels");
                }
                image = reader.read(0);
            } catch (javax.imageio.IIOException | IndexOutOfBoundsException e) {
                throw new UnprocessableException("file", "The image could not be read: " + e.getMessage());
            } finally {
                reader.dispose();
            }
        }
        double scale = Math.min(1.0, (double) maxSide / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, png ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (!png) {
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, w, h);
            }
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(out, png ? "png" : "jpeg", bytes)) {
            throw new IllegalStateException("No " + (png ? "PNG" : "JPEG") + " writer in this JDK");
        }
        return new Picture(png ? "image/png" : "image/jpeg", bytes.toByteArray());
    }
}
