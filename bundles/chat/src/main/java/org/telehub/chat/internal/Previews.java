package org.telehub.chat.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;

/**
 * Previews of images made by the hub: at most {@value #EDGE} pixels on the long side, turned upright by the photo's
 * EXIF orientation, re-encoded as JPEG from pixels only — so no EXIF (a phone's GPS position, its serial number)
 * reaches the other members. JPEG, PNG, GIF and BMP through the JDK's ImageIO; a phone's HEIC/HEIF through Debian's
 * {@code heif-convert} (libheif) when it is installed. Anything else, or an image that cannot be read, has no preview.
 * Images over {@value #MAX_PIXELS} pixels are not decoded (a decompression bomb), large ones are decoded subsampled by
 * their long side, two at a time at most; everything is buffered in memory (ImageIO's default would spill the plain
 * photo into temporary files).
 */
final class Previews {
    static final int EDGE = 480;
    /** heif-convert's address space (prlimit): enough for a 50-megapixel photo. */
    private static final long HEIF_MEMORY = 2L * 1024 * 1024 * 1024;
    static final long MAX_PIXELS = 60_000_000L;
    /** Decodes at a time: a large photo takes a few hundred MB while it is decoded. */
    private static final java.util.concurrent.Semaphore DECODING = new java.util.concurrent.Semaphore(2);
    private static final Logger LOG = LoggerFactory.getLogger(Previews.class);

    /** Reads the content again from the start (the store decrypts it anew). */
    interface Source {
        InputStream open() throws IOException;
    }

    private Previews() {
    }

    static boolean heic(String contentType) {
        return contentType.equals("image/heic") || contentType.equals("image/heif");
    }

    /** The preview's JPEG bytes, or empty when this type has none or the image cannot be read. */
    static Optional<byte[]> of(String contentType, Source content) {
        try {
            if (heic(contentType)) {
                return viaHeifConvert(content);
            }
            if (!contentType.equals("image/jpeg") && !contentType.equals("image/png")
                    && !contentType.equals("image/gif") && !contentType.equals("image/bmp")) {
                return Optional.empty();
            }
            int orientation = contentType.equals("image/jpeg") ? orientation(content) : 1;
            try (InputStream in = content.open()) {
                return scaled(in, orientation);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.info("No preview of a {} file: {}", contentType, e.toString());
            return Optional.empty();
        }
    }

    /** EXIF orientation 1–8 (1: as stored). */
    static int orientation(Source content) throws IOException {
        try (InputStream in = content.open()) {
            Metadata m = ImageMetadataReader.readMetadata(in);
            ExifIFD0Directory d = m.getFirstDirectoryOfType(ExifIFD0Directory.class);
            return d != null && d.containsTag(ExifIFD0Directory.TAG_ORIENTATION)
                    ? d.getInt(ExifIFD0Directory.TAG_ORIENTATION) : 1;
        } catch (ImageProcessingException | MetadataException e) {
            return 1;
        }
    }

    private static Optional<byte[]> scaled(InputStream in, int orientation) throws IOException, InterruptedException {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if ((long) w * h > MAX_PIXELS) {
                    return Optional.empty();
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (EDGE * 2));
                param.setSourceSubsampling(step, step, 0, 0);
                DECODING.acquire();
                BufferedImage img;
                try {
                    img = reader.read(0, param);
                } finally {
                    DECODING.release();
                }
                return Optional.of(jpeg(upright(shrunk(img), orientation)));
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage shrunk(BufferedImage img) {
        double f = Math.min(1.0, (double) EDGE / Math.max(img.getWidth(), img.getHeight()));
        int w = Math.max(1, (int) Math.round(img.getWidth() * f));
        int h = Math.max(1, (int) Math.round(img.getHeight() * f));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE); // transparency shown on white
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Applies EXIF orientation: 2 mirrored, 3 turned 180°, 4 flipped, 5 transposed, 6 turned a quarter clockwise,
     * 7 transversed, 8 turned a quarter anticlockwise (pixel by pixel: a preview is small).
     */
    static BufferedImage upright(BufferedImage img, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                switch (orientation) {
                    case 2 -> out.setRGB(w - 1 - x, y, rgb);
                    case 3 -> out.setRGB(w - 1 - x, h - 1 - y, rgb);
                    case 4 -> out.setRGB(x, h - 1 - y, rgb);
                    case 5 -> out.setRGB(y, x, rgb);
                    case 6 -> out.setRGB(h - 1 - y, x, rgb);
                    case 7 -> out.setRGB(h - 1 - y, w - 1 - x, rgb);
                    default -> out.setRGB(y, w - 1 - x, rgb); // 8
                }
            }
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage img) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * HEIC through libheif's {@code heif-convert} (it applies the image's own rotation). Its input and output are
     * files, so the photo is plain on disk, in a private temporary folder, for the conversion only (as DICOM in
     * transit is; ARCHITECTURE.md, Files at rest).
     */
    private static Optional<byte[]> viaHeifConvert(Source content) throws IOException {
        Path dir = Files.createTempDirectory("telehub-heic");
        Path in = dir.resolve("in.heic");
        Path out = dir.resolve("out.jpg");
        try {
            try (InputStream c = content.open()) {
                Files.copy(c, in);
            }
            Process p;
            try {
                // under an address-space limit: libheif decodes the whole image, whatever its size
                p = new ProcessBuilder("prlimit", "--as=" + HEIF_MEMORY, "heif-convert", "-q", "90", in.toString(),
                        out.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            } catch (IOException notInstalled) {
                LOG.info("No preview of a HEIC photo: prlimit could not start heif-convert (Debian's libheif-examples)");
                return Optional.empty();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return Optional.empty();
            }
            if (p.exitValue() != 0 || !Files.exists(out)) {
                return Optional.empty();
            }
            try (InputStream jpeg = Files.newInputStream(out)) {
                return scaled(jpeg, 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.warn("A HEIC conversion's temporary folder {} could not be removed: {}", dir, e.toString());
            }
        }
    }
}
