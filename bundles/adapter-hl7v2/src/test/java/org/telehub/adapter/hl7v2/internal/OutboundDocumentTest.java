package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.ReportDocument;

/**
 * A report as a document (reportMessage=MDM): MDM^T02 with the document legally authenticated and its PDF, an
 * addendum MDM^T06 naming its parent; both parsed back by HAPI's own parser as a receiver would. Sent over MLLP to
 * python3-hl7's receiver in Hl7IT.
 */
class OutboundDocumentTest {
    private final Codec codec = new Codec();
    private final Outbound out = new Outbound("docs", codec, null, new Inbound.Settings("TELEHUB", "CLINIC",
            StandardCharsets.UTF_8, "MR", 1 << 20), new Outbound.Target("127.0.0.1", 1, "DMS", "NORTH", 1000, true,
                    null));
    private final byte[] pdf = "%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private Terser parsedBack(Message m) throws Exception {
        return new Terser(codec.parser().parse(m.encode()));
    }

    @Test
    void aSignedReportIsAnMdmT02WithItsTextAndPdf() throws Exception {
        ReportDocument r = new ReportDocument("11506-3", "http://loinc.org", "Visit report", "Stable.\nReview in a week.",
                pdf, "application/pdf", Instant.parse("2026-12-05T09:30:00Z"), "Dr Karimi", "rep-42", null);
        Terser t = parsedBack(Codec.inBundle(() -> out.documentMessage("MRN-1001", r, "C-1")));
        assertEquals("MDM", t.get("/MSH-9-1"));
        assertEquals("T02", t.get("/MSH-9-2"));
        assertEquals("C-1", t.get("/MSH-10"));
        assertEquals("DMS", t.get("/MSH-5-1"));
        assertEquals("MRN-1001", t.get("/PID-3-1"));
        assertEquals("MR", t.get("/PID-3-5"));
        assertEquals("CN", t.get("/TXA-2"));
        assertEquals("20261205093000+0000", t.get("/TXA-4-1"));
        assertEquals("Dr Karimi", t.get("/TXA-5-2-1"));
        assertEquals("rep-42", t.get("/TXA-12-1"));
        assertEquals("LA", t.get("/TXA-17"));
        assertEquals("AV", t.get("/TXA-19"));
        assertEquals("TX", t.get("/OBSERVATION(0)/OBX-2"));
        assertEquals("Review in a week.", t.get("/OBSERVATION(0)/OBX-5(1)"));
        assertEquals("ED", t.get("/OBSERVATION(1)/OBX-2"));
        assertEquals("PDF", t.get("/OBSERVATION(1)/OBX-5-3"));
        assertEquals(Base64.getEncoder().encodeToString(pdf), t.get("/OBSERVATION(1)/OBX-5-5"));
    }

    @Test
    void anAddendumIsAnMdmT06NamingItsParentAndAReportWithoutDocumentIsRefusedAtConfiguration() throws Exception {
        ReportDocument a = new ReportDocument("11506-3", "http://loinc.org", "Addendum", "Potassium normal.", pdf,
                "application/pdf", Instant.parse("2026-12-06T10:00:00Z"), "Dr Karimi", null, "rep-42");
        Terser t = parsedBack(Codec.inBundle(() -> out.documentMessage("MRN-1001", a, "C-2")));
        assertEquals("T06", t.get("/MSH-9-2"));
        assertEquals("T06", t.get("/EVN-1"));
        assertEquals("rep-42", t.get("/TXA-13-1"));
        assertEquals("C-2", t.get("/TXA-12-1"), "the addendum's own document number");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hl7Adapter.documents("PDF"));
        assertTrue(e.getMessage().startsWith("reportMessage"), e.getMessage());
    }
}
