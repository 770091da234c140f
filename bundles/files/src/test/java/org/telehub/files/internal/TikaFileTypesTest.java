package org.telehub.files.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** Types come from the content; a name only refines within the content's family. */
class TikaFileTypesTest {
    private final TikaFileTypes types = new TikaFileTypes();

    private String detect(byte[] content, String name) throws Exception {
        return types.detect(new ByteArrayInputStream(content), name);
    }

    private static byte[] image(String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    @Test
    void imagesByTheirMagic() throws Exception {
        assertEquals("image/jpeg", detect(image("jpg"), "rash.jpg"));
        assertEquals("image/png", detect(image("png"), "rash.png"));
        // a JPEG named like a PDF is still a JPEG
        assertEquals("image/jpeg", detect(image("jpg"), "report.pdf"));
    }

    @Test
    void aPhoneCamerasHeic() throws Exception {
        byte[] heic = new byte[64];
        byte[] box = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e',
            'i', 'c'};
        System.arraycopy(box, 0, heic, 0, box.length);
        assertEquals("image/heic", detect(heic, "IMG_0001.HEIC"));
    }

    @Test
    void pdfAndOfficeDocuments() throws Exception {
        assertEquals("application/pdf", detect("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1), null));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("[Content_Types].xml"));
            z.write("<Types/>".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertEquals("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                detect(zip.toByteArray(), "letter.docx"));
        // without an Office name it is only "some Office Open XML file" (Tika's own type, on no allow-list)
        assertEquals("application/x-tika-ooxml", detect(zip.toByteArray(), "letter.jpg"));
    }

    @Test
    void aSavedFileIsNamedAsWhatItIs() {
        assertEquals("scan.JPG", types.nameFor("scan.JPG", "image/jpeg"));
        assertEquals("IMG_0001.HEIC", types.nameFor("IMG_0001.HEIC", "image/heic"));
        assertEquals("bank.url.txt", types.nameFor("bank.url", "text/plain"));
        assertEquals("photo.pdf.jpg", types.nameFor("photo.pdf", "image/jpeg"));
        assertEquals("letter.docx", types.nameFor("letter.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        assertEquals("x", types.nameFor("x", "application/x-no-such-type"));
    }

    @Test
    void programsAndTextAreNamedAsWhatTheyAre() throws Exception {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0};
        assertEquals("application/x-executable", detect(elf, "photo.jpg"));
        assertEquals("text/plain", detect("Take one tablet twice a day.".getBytes(StandardCharsets.UTF_8), "note.txt"));
        assertEquals("application/octet-stream", detect(new byte[] {1, 2, 3, (byte) 0xfe, 0, 9}, null));
    }
}
