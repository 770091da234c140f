package org.telehub.integration.manager.internal.imaging;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.telehub.rest.ProblemException;

/** What WADO-RS here agrees to send: the instances as received, and nothing it would have to make up. */
class DicomWebAcceptTest {

    @Test
    void theInstancesAsReceivedAreAcceptable() {
        for (String accept : new String[] {null, "", "*/*", "multipart/related",
                "multipart/related; type=\"application/dicom\"",
                "multipart/related; type=application/dicom; transfer-syntax=*",
                "MULTIPART/RELATED; TYPE=\"APPLICATION/DICOM\"", "multipart/*",
                "image/jpeg, multipart/related; type=\"application/dicom\"; q=0.5",
                "application/json;q=0.9, */*;q=0.1"}) {
            assertDoesNotThrow(() -> DicomWebResource.acceptable(accept), accept);
        }
    }

    @Test
    void anythingElseIsRefusedByName() {
        for (String accept : new String[] {"image/jpeg", "application/dicom+json",
                "multipart/related; type=\"image/jpeg\"",
                "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50",
                "multipart/related; type=\"application/dicom\"; q=0", "*/*;q=0.000"}) {
            ProblemException e = assertThrows(ProblemException.class, () -> DicomWebResource.acceptable(accept),
                    accept);
            assertEquals(406, e.getResponse().getStatus());
        }
    }
}
