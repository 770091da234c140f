package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.MDM_T01;
import ca.uhn.hl7v2.model.v251.message.MDM_T02;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.ClinicalDocument;
import org.telehub.persistence.TestDatabases;

/**
 * Documents received over HL7 v2 against PostgreSQL: an MDM's (as Karl Storz AIDA sends its procedure reports: the
 * report's words as TX, its PDF as ED) and an ORU's embedded ones, kept as HAPI parses them, read back newest first,
 * their content decoded from the stored message.
 */
class DocumentsTest {
    /** The smallest file a PDF reader opens: what the report's content stands for, byte for byte. */
    static final byte[] PDF = ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
            + "/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>"
            + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);

    private final Codec codec = new Codec();
    private Jdbi jdbi;

    @BeforeEach
    void setUp() throws Exception {
        jdbi = Jdbi.create(TestDatabases.postgres());
        InboundTest.migrate(jdbi, "V1__messages", "V4__documents");
    }

    /** An MDM as the suite sends it: TXA, the words (TX, two lines), the PDF (ED, Base64 with a line break). */
    static String mdm(String control, String event, String number, String parent, String status, String text,
            byte[] pdf) {
        String b64 = pdf == null ? null : Base64.getMimeEncoder(60, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pdf).replace("\n", "");
        return "MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261205101500||MDM^" + event + "^MDM_T02|" + control + "|P|2.5.1"
                + "||||||UNICODE UTF-8\rEVN|" + event + "|20261205101500\rPID|1||MRN-7^^^HIS^MR||Rahimi^Sara\r"
                + "PV1|1|O\rORC|RE||ACC-77\rOBR|1||ACC-77|45378^Colonoscopy^C4\r"
                + "TXA|1|ENDO|AP|20261205101000|^Karimi^Reza|20261205100500|||^Karimi^Reza|||" + number + "|"
                + (parent == null ? "" : parent) + "|ACC-77||colonoscopy.pdf|" + status + "||AV"
                + (text == null ? "" : "\rOBX|1|TX|18751-8^Endoscopy study^LN||" + text + "||||||F")
                + (b64 == null ? "" : "\rOBX|2|ED|18751-8^Endoscopy study^LN||AIDA^AP^PDF^Base64^" + b64 + "||||||F");
    }

    /** Stores the message as the inbound path would (its row first) and keeps its document. */
    private String keep(String text) throws Exception {
        return keep(text, "MRN-7");
    }

    private String keep(String text, String identifier) throws Exception {
        Message m = codec.parser().parse(text);
        String id = UUID.randomUUID().toString();
        String event = new ca.uhn.hl7v2.util.Terser(m).get("/MSH-9-2");
        jdbi.useTransaction(tx -> {
            tx.createUpdate("INSERT INTO hl7_message (id, adapter_id, direction, received_at, message_type, version,"
                    + " patient_identifier, state, charset, raw) VALUES (:id, 'aida', 'in', :t, :type, '2.5.1',"
                    + " :p, 'queued', 'UTF-8', :raw)").bind("id", id).bind("p", identifier)
                    .bind("t", Timestamp.from(Instant.now()))
                    .bind("type", "MDM^" + event).bind("raw", text.getBytes(StandardCharsets.UTF_8)).execute();
            if (m instanceof MDM_T02 doc) {
                Documents.store(tx, id, "aida", identifier, event, doc);
            } else if (m instanceof ORU_R01 oru) {
                Documents.storeFromResults(tx, id, "aida", identifier, oru);
            } else {
                Documents.cancel(tx, "aida", identifier, (MDM_T01) m);
            }
        });
        return id;
    }

    private List<ClinicalDocument> listed() {
        return Documents.read(jdbi, "aida", "MRN-7", 50);
    }

    @Test
    void aReportWithItsWordsAndItsPdfIsListedAndItsContentIsTheBytesSent() throws Exception {
        keep(mdm("M1", "T02", "DOC-1", null, "AU", "Sessile polyp at 30 cm\\.br\\پولیپ برداشته شد", PDF));
        List<ClinicalDocument> docs = listed();
        assertEquals(1, docs.size());
        ClinicalDocument d = docs.get(0);
        assertEquals("DOC-1", d.id());
        assertEquals("ENDO", d.type());
        assertEquals("Colonoscopy", d.title(), "OBR-4's text names it");
        assertEquals("AU", d.status());
        assertEquals("Reza Karimi", d.author());
        assertEquals("ACC-77", d.orderNumber(), "TXA-14: the procedure's accession");
        assertEquals(Instant.parse("2026-12-05T10:05:00Z"), d.authored(), "TXA-6, the origination time");
        assertEquals("Sessile polyp at 30 cm\nپولیپ برداشته شد", d.text());
        assertEquals("application/pdf", d.contentType());
        assertEquals(PDF.length, d.contentBytes());
        assertNull(d.parentId());
        assertArrayEquals(PDF, Documents.content(jdbi, codec, "aida", "MRN-7", "DOC-1").orElseThrow().bytes());
        assertTrue(Documents.content(jdbi, codec, "aida", "MRN-OTHER", "DOC-1").isEmpty(), "another patient's: none");
        assertTrue(Documents.content(jdbi, codec, "other", "MRN-7", "DOC-1").isEmpty(), "another interface's: none");
        // the same message again (a replay): still one document
        keep(mdm("M1", "T02", "DOC-1", null, "AU", "Sessile polyp at 30 cm", PDF));
        assertEquals(1, listed().size());
        // the same number for another patient: refused, the first patient's document stays theirs
        UnprocessableException taken = assertThrows(UnprocessableException.class, () -> keep(mdm("M9", "T02",
                "DOC-1", null, "AU", "someone else", PDF).replace("MRN-7^^^HIS^MR", "MRN-8^^^HIS^MR"), "MRN-8"));
        assertEquals("TXA-12", taken.field());
        assertEquals(1, listed().size());
        assertTrue(Documents.read(jdbi, "aida", "MRN-8", 50).isEmpty());
    }

    @Test
    void anAddendumStandsBesideItsParentAReplacementInsteadOfItAndACancellationHidesOne() throws Exception {
        keep(mdm("M1", "T02", "DOC-1", null, "PA", "first words", PDF));
        keep(mdm("M2", "T06", "DOC-2", "DOC-1", "AU", "histology: adenoma", null));
        List<ClinicalDocument> docs = listed();
        assertEquals(List.of("DOC-1", "DOC-2"), docs.stream().map(ClinicalDocument::id).sorted().toList());
        ClinicalDocument addendum = docs.stream().filter(x -> x.id().equals("DOC-2")).findFirst().orElseThrow();
        assertEquals("DOC-1", addendum.parentId());
        assertNull(addendum.contentType(), "text only");
        assertTrue(Documents.content(jdbi, codec, "aida", "MRN-7", "DOC-2").isEmpty());

        keep(mdm("M3", "T10", "DOC-3", "DOC-1", "AU", "corrected words", PDF));
        assertEquals(List.of("DOC-2", "DOC-3"), listed().stream().map(ClinicalDocument::id).sorted().toList(),
                "the replaced document is no longer listed");

        keep("MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261205120000||MDM^T11^MDM_T01|M4|P|2.5.1\rEVN|T11|20261205120000"
                + "\rPID|1||MRN-7^^^HIS^MR||Rahimi^Sara\rPV1|1|O\rTXA|1|ENDO|AP|||||||||DOC-2||||||DC");
        assertEquals(List.of("DOC-3"), listed().stream().map(ClinicalDocument::id).toList());
        // the original T02 sent again (or replayed) after all that: it changes nothing, brings back nothing
        keep(mdm("M1", "T02", "DOC-1", null, "PA", "first words", PDF));
        keep(mdm("M2", "T06", "DOC-2", "DOC-1", "AU", "histology: adenoma", null));
        assertEquals(List.of("DOC-3"), listed().stream().map(ClinicalDocument::id).toList());
        // the replacement cancelled (it was in error): the version it replaced is listed again
        keep("MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261205130000||MDM^T11^MDM_T01|M6|P|2.5.1\rEVN|T11\r"
                + "PID|1||MRN-7^^^HIS^MR\rPV1|1|O\rTXA|1|ENDO|AP|||||||||DOC-3||||||DC");
        assertEquals(List.of("DOC-1"), listed().stream().map(ClinicalDocument::id).toList());
        assertEquals("first words", listed().get(0).text());
        UnprocessableException unknown = assertThrows(UnprocessableException.class, () -> keep("MSH|^~\\&|AIDA|OR1|"
                + "TELEHUB|TELEHUB|20261205120000||MDM^T11^MDM_T01|M5|P|2.5.1\rEVN|T11\rPID|1||MRN-7^^^HIS^MR\r"
                + "PV1|1|O\rTXA|1|ENDO|AP|||||||||DOC-NONE"));
        assertEquals("TXA-12", unknown.field());
    }

    @Test
    void whatAMessageMustSayIsNamedWhenItDoesNot() {
        InvalidException noNumber = assertThrows(InvalidException.class, () -> keep(mdm("M1", "T02", "", null, "AU",
                "words", null)));
        assertEquals("TXA-12", noNumber.field());
        InvalidException noParent = assertThrows(InvalidException.class, () -> keep(mdm("M2", "T06", "DOC-9", null,
                "AU", "words", null)));
        assertEquals("TXA-13", noParent.field());
        String badData = mdm("M3", "T02", "DOC-8", null, "AU", null, PDF).replace("^Base64^", "^Base64^***");
        assertEquals("OBX-5", assertThrows(InvalidException.class, () -> keep(badData)).field());
        assertEquals(0, listed().size(), "nothing of a refused message is kept");
    }

    @Test
    void anOrusEmbeddedDocumentIsADocumentToo() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(PDF);
        String message = keep("MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261205101500||ORU^R01^ORU_R01|R1|P|2.4\r"
                + "PID|1||MRN-7^^^HIS^MR||Rahimi^Sara\rOBR|1||ACC-78|45378^Colonoscopy^C4|||20261205093000|||||||||||||"
                + "||F\rOBX|1|TX|18751-8^Endoscopy study^LN||No polyps||||||F\r"
                + "OBX|2|ED|18751-8^Endoscopy study^LN||^application^pdf^Base64^" + b64 + "||||||F");
        List<ClinicalDocument> docs = listed();
        assertEquals(1, docs.size());
        assertEquals(message + "-2", docs.get(0).id(), "the stored message's id and the OBX's position");
        assertEquals("Colonoscopy", docs.get(0).title());
        assertEquals("ACC-78", docs.get(0).orderNumber());
        assertEquals("No polyps", docs.get(0).text());
        assertEquals("application/pdf", docs.get(0).contentType(), "a media type in ED-3 is taken as it is");
        assertArrayEquals(PDF, Documents.content(jdbi, codec, "aida", "MRN-7", message + "-2").orElseThrow().bytes());
        // the same control id again from the sender (they reuse them): another message, another document
        keep("MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261206101500||ORU^R01^ORU_R01|R1|P|2.4\r"
                + "PID|1||MRN-7^^^HIS^MR||Rahimi^Sara\rOBR|1||ACC-79|45378^Colonoscopy^C4\r"
                + "OBX|1|ED|18751-8^Endoscopy study^LN||^application^pdf^Base64^" + b64 + "||||||F");
        assertEquals(2, listed().size());
        // an embedded document that is not valid Base64 is left out, named; the ORU's results are kept all the same
        String bad = "MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261206111500||ORU^R01^ORU_R01|R2|P|2.4\r"
                + "PID|1||MRN-7^^^HIS^MR||Rahimi^Sara\rOBR|1||ACC-80|45378^Colonoscopy^C4\r"
                + "OBX|1|ED|18751-8^Endoscopy study^LN||^application^pdf^Base64^***||||||F";
        ORU_R01 oru = (ORU_R01) codec.parser().parse(bad);
        Documents.FromResults from = jdbi.inTransaction(tx -> {
            String id = UUID.randomUUID().toString();
            tx.createUpdate("INSERT INTO hl7_message (id, adapter_id, direction, received_at, state, raw) VALUES"
                    + " (:id, 'aida', 'in', now(), 'queued', :raw)").bind("id", id).bind("raw", new byte[0]).execute();
            return Documents.storeFromResults(tx, id, "aida", "MRN-7", oru);
        });
        assertEquals(0, from.kept());
        assertTrue(from.unreadable().startsWith("OBX 1: an embedded document's data is not valid"), from.unreadable());
    }
}
