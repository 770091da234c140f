package org.telehub.directory.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.directory.DirectoryPictures;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.TooLargeException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.UnsupportedTypeException;
import org.telehub.files.FileStore;
import org.telehub.files.internal.TestFiles;

/**
 * Photos and logos through the real encrypted file store on a real PostgreSQL: re-encoded and scaled, metadata and
 * trailing bytes gone, the old file deleted when replaced, who may set and read them.
 */
class PicturesTest {
    final DirectoryImplTest base = new DirectoryImplTest();
    @TempDir
    Path dir;
    FileStore files;
    PicturesImpl pictures;

    @BeforeEach
    void setUp() throws Exception {
        base.setUp();
        TestFiles.migrate(base.jdbi);
        files = TestFiles.store(base.jdbi, dir);
        pictures = new PicturesImpl(base.jdbi, files);
        base.dir.search(DirectoryImplTest.ADMIN, DirectoryImplTest.q(null));
    }

    static byte[] png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0xff336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void aPhotoIsReencodedScaledAndReplacedAndOnlyItsEditorsChangeIt() throws Exception {
        // a PNG with something appended after its end (a polyglot's payload): what is stored is a new JPEG
        byte[] upload = png(2000, 1000);
        byte[] withPayload = java.util.Arrays.copyOf(upload, upload.length + 11);
        System.arraycopy("<script/>!!".getBytes(), 0, withPayload, upload.length, 11);
        String v1 = pictures.putPhoto(DirectoryImplTest.HOUSE, "d-house", new ByteArrayInputStream(withPayload));
        DirectoryPictures.Picture p = pictures.photo(DirectoryImplTest.AMY, "d-house");
        assertEquals("image/jpeg", p.contentType());
        assertEquals(v1, p.version());
        BufferedImage stored = ImageIO.read(new ByteArrayInputStream(p.bytes()));
        assertEquals(512, stored.getWidth());
        assertEquals(256, stored.getHeight());
        assertFalse(new String(p.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("<script/>"));
        assertEquals(v1, base.dir.profile(DirectoryImplTest.AMY, "d-house").photo());
        // the stored bytes are encrypted at rest
        try (var walk = Files.walk(dir.resolve("files"))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                assertFalse(java.util.Arrays.equals(Files.readAllBytes(f), p.bytes()));
            }
        }

        String v2 = pictures.putPhoto(DirectoryImplTest.ADMIN, "d-house", new ByteArrayInputStream(png(100, 100)));
        assertTrue(files.find(v1).isEmpty(), "the replaced photo is deleted");
        assertEquals(100, ImageIO.read(new ByteArrayInputStream(pictures.photo(DirectoryImplTest.AMY,
                "d-house").bytes())).getWidth()); // never enlarged
        assertEquals(v2, base.dir.profile(DirectoryImplTest.AMY, "d-house").photo());

        assertThrows(ForbiddenException.class, () -> pictures.putPhoto(DirectoryImplTest.ALI, "d-house",
                new ByteArrayInputStream(png(10, 10))));
        assertThrows(ForbiddenException.class, () -> pictures.deletePhoto(DirectoryImplTest.AMY, "d-house"));
        // the public sees it only where a clinic of the doctor publishes profiles
        assertThrows(NotFoundException.class, () -> pictures.photo(null, "d-house"));
        assertThrows(NotFoundException.class, () -> pictures.photo(DirectoryImplTest.AMY, "d-ali")); // has none

        assertEquals("file", assertThrows(UnsupportedTypeException.class, () -> pictures.putPhoto(
                DirectoryImplTest.HOUSE, "d-house", new ByteArrayInputStream("%PDF-1.7 not an image".getBytes())))
                .field());
        assertEquals("file", assertThrows(TooLargeException.class, () -> pictures.putPhoto(DirectoryImplTest.HOUSE,
                "d-house", new ByteArrayInputStream(new byte[ImageSanitiser.MAX_BYTES + 1]))).field());
        assertThrows(UnprocessableException.class, () -> pictures.putPhoto(DirectoryImplTest.HOUSE, "d-house",
                new ByteArrayInputStream(java.util.Arrays.copyOf(upload, 40)))); // a PNG cut short
        assertEquals(v2, base.dir.profile(DirectoryImplTest.AMY, "d-house").photo(), "a refused upload changes nothing");

        pictures.deletePhoto(DirectoryImplTest.HOUSE, "d-house");
        assertNull(base.dir.profile(DirectoryImplTest.AMY, "d-house").photo());
        assertTrue(files.find(v2).isEmpty());
    }

    @Test
    void aLogoKeepsItsTransparencyAndIsTheClinicsAdministratorsToChange() throws Exception {
        String north = base.dir.clinics(DirectoryImplTest.ADMIN).stream().filter(c -> c.name().equals("North Clinic"))
                .findFirst().orElseThrow().id();
        String south = base.dir.clinics(DirectoryImplTest.ADMIN).stream().filter(c -> c.name().equals("South Clinic"))
                .findFirst().orElseThrow().id();
        String v = pictures.putLogo(DirectoryImplTest.NORTH_ADMIN, north, new ByteArrayInputStream(png(3000, 600)));
        DirectoryPictures.Picture logo = pictures.logo(DirectoryImplTest.AMY, north);
        assertEquals("image/png", logo.contentType());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(logo.bytes()));
        assertEquals(1024, img.getWidth());
        assertTrue(img.getColorModel().hasAlpha());
        assertEquals(0, img.getRGB(500, 100) >>> 24, "transparent stays transparent");
        assertEquals(v, base.dir.clinic(DirectoryImplTest.AMY, north).logo());
        assertThrows(ForbiddenException.class, () -> pictures.putLogo(DirectoryImplTest.NORTH_ADMIN, south,
                new ByteArrayInputStream(png(10, 10))));
        assertThrows(NotFoundException.class, () -> pictures.logo(null, north)); // not published
        base.jdbi.useHandle(h -> h.execute("UPDATE directory_clinic SET public_profiles = true"));
        assertArrayEquals(logo.bytes(), pictures.logo(null, north).bytes());
    }
}
