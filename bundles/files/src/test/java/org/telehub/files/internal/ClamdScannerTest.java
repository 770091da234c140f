package org.telehub.files.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.files.VirusScanner;
import org.telehub.files.testing.Clamd;

/** The INSTREAM client against a real clamd (Debian's) with a database of the EICAR test file. */
class ClamdScannerTest {
    private static Clamd clamd;

    @BeforeAll
    static void start() throws Exception {
        clamd = Clamd.shared();
    }

    private static ClamdScanner scanner(int port) {
        return new ClamdScanner("127.0.0.1", port, 2000, 30000);
    }

    @Test
    void eicarIsFoundAndNamed() throws Exception {
        VirusScanner.Result r = scanner(clamd.port()).scan(new ByteArrayInputStream(Clamd.EICAR));
        assertFalse(r.clean());
        assertTrue(r.signature().startsWith(Clamd.EICAR_SIGNATURE), r.signature());
    }

    @Test
    void ordinaryContentIsClean() throws Exception {
        byte[] photo = new byte[3 * 1024 * 1024 + 17]; // several chunks, the last one short
        new Random(7).nextBytes(photo);
        VirusScanner.Result r = scanner(clamd.port()).scan(new ByteArrayInputStream(photo));
        assertTrue(r.clean());
        assertEquals(null, r.signature());
    }

    @Test
    void emptyContentIsClean() throws Exception {
        assertTrue(scanner(clamd.port()).scan(InputStream.nullInputStream()).clean());
    }

    @Test
    void eicarInsideOtherBytesIsNotMatchedByItsHash() throws Exception {
        // the test database holds the file's MD5, so EICAR padded is another file: shows the scan is of the whole stream
        byte[] padded = Arrays.copyOf(Clamd.EICAR, Clamd.EICAR.length + 1);
        padded[padded.length - 1] = '\n';
        assertTrue(scanner(clamd.port()).scan(new ByteArrayInputStream(padded)).clean());
    }

    @Test
    void aScannerThatIsDownIsUnavailableNotClean() throws Exception {
        VirusScanner.Unavailable e = assertThrows(VirusScanner.Unavailable.class,
                () -> scanner(Clamd.deadPort()).scan(new ByteArrayInputStream(Clamd.EICAR)));
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }

    @Test
    void clamdsErrorsAreUnavailable() {
        assertThrows(VirusScanner.Unavailable.class,
                () -> ClamdScanner.result("INSTREAM size limit exceeded. ERROR", "clamd"));
        assertThrows(VirusScanner.Unavailable.class, () -> ClamdScanner.result("", "clamd"));
        assertEquals("Win.Test.EICAR_HDB-1", assertDoesNotThrow());
    }

    private static String assertDoesNotThrow() {
        try {
            return ClamdScanner.result("stream: Win.Test.EICAR_HDB-1 FOUND", "clamd").signature();
        } catch (VirusScanner.Unavailable e) {
            throw new AssertionError(e);
        }
    }
}
