package org.telehub.adapter.hl7v2.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v251.datatype.ED;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.MDM_T01;
import ca.uhn.hl7v2.model.v251.message.MDM_T02;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.TXA;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.ClinicalDocument;
import org.telehub.integration.api.DocumentContent;

/**
 * The documents an interface receives ({@code hl7_document}): an MDM's (HL7 v2.5.1 chapter 9) and an ORU's embedded
 * ones (OBX of type ED), read back as the interface's documents of a patient. A document is known by the sender's
 * unique document number (TXA-12). T02 brings a new one, T04 a change of its status with its content, T06 an
 * addendum (a document of its own naming its parent in TXA-13), T08 and T10 a new version that replaces its parent
 * (which is no longer listed), T11 cancels one. Its text (TX, FT, ST values) is kept with it; its content (the
 * first ED, e.g. the report's PDF) stays in the stored message and is decoded when read.
 */
final class Documents {
    /** The MDM events processed: those that carry a document's content, and the cancellation. */
    static final Set<String> MESSAGE_TYPES = Set.of("MDM^T02", "MDM^T04", "MDM^T06", "MDM^T08", "MDM^T10",
            "MDM^T11");
    /** Events whose document replaces its parent (TXA-13). */
    private static final Set<String> REPLACING = Set.of("T08", "T10");
    /** ED data subtypes (HL7 table 0291) and the media type each names. */
    private static final Map<String, String> SUBTYPES = Map.of("PDF", "application/pdf", "JPEG", "image/jpeg",
            "JPG", "image/jpeg", "PNG", "image/png", "TIFF", "image/tiff", "RTF", "application/rtf", "HTML",
            "text/html", "XML", "application/xml", "GIF", "image/gif");

    private Documents() {
    }

    /** What a document's content is and where it is: the OBX (1-based position) and its size. */
    private record Content(int obx, String contentType, long bytes) {
    }

    /**
     * Keeps the document of an MDM that carries one (T02, T04, T06, T08, T10), replacing an earlier run's row; for
     * T08 and T10 its parent is marked replaced. Returns a note for the message's row.
     */
    static String store(Handle tx, String messageId, String adapterId, String identifier, String event,
            MDM_T02 mdm) throws HL7Exception {
        TXA txa = mdm.getTXA();
        String number = ei(txa.getUniqueDocumentNumber());
        if (number == null) {
            throw new InvalidException("TXA-12", "an MDM names its document by a unique document number (TXA-12)");
        }
        String parent = ei(txa.getParentDocumentNumber());
        if (!event.equals("T02") && !event.equals("T04") && parent == null) {
            throw new InvalidException("TXA-13", "an MDM^" + event + " names the document it adds to or replaces"
                    + " (TXA-13)");
        }
        StringBuilder text = new StringBuilder();
        Content content = null;
        for (int i = 0; i < mdm.getOBSERVATIONReps(); i++) {
            OBX obx = mdm.getOBSERVATION(i).getOBX();
            content = collect(obx, i + 1, text, content);
        }
        OBR obr = mdm.getCOMMON_ORDER().getOBR();
        String order = first(ei(txa.getPlacerOrderNumber(0)), ei(txa.getFillerOrderNumber()),
                ei(obr.getFillerOrderNumber()), ei(obr.getPlacerOrderNumber()),
                ei(mdm.getCOMMON_ORDER().getORC().getFillerOrderNumber()));
        String title = first(Header.nz(obr.getUniversalServiceIdentifier().getText().getValue()).trim(),
                Header.nz(txa.getUniqueDocumentFileName().getValue()).trim());
        Instant authored = first(Observations.instant(txa.getOriginationDateTime()),
                Observations.instant(txa.getActivityDateTime()),
                Observations.instant(mdm.getMSH().getDateTimeOfMessage()));
        String author = txa.getOriginatorCodeNameReps() > 0 ? name(txa.getOriginatorCodeName(0))
                : txa.getPrimaryActivityProviderCodeNameReps() > 0 ? name(txa.getPrimaryActivityProviderCodeName(0))
                : null;
        boolean written = upsert(tx, new Row(adapterId, number, messageId, identifier, Header.nz(txa
                .getDocumentType().getValue()).trim(), title, order, parent, Header.nz(txa.getDocumentCompletionStatus()
                .getValue()).trim(), authored, author, text.length() == 0 ? null : text.toString(), content));
        if (!written) {
            return "document " + number + ": a later message about it was kept; this one changes nothing";
        }
        if (REPLACING.contains(event)) {
            int n = tx.createUpdate("UPDATE hl7_document SET replaced_by = :n WHERE adapter_id = :a"
                    + " AND document_number = :p AND patient_identifier = :i").bind("n", number).bind("a", adapterId)
                    .bind("p", parent).bind("i", identifier).execute();
            return "document " + number + " replaces " + parent + (n == 0 ? " (not received here)" : "");
        }
        return "document " + number + (parent == null ? "" : " (addendum to " + parent + ")")
                + (content == null ? ", text only" : ", " + content.contentType() + " " + content.bytes() + " bytes");
    }

    /**
     * An MDM^T11: the document is cancelled (no longer listed, its content no longer served); if it had replaced
     * another version, that one is listed again.
     */
    static String cancel(Handle tx, String adapterId, String identifier, MDM_T01 mdm) throws HL7Exception {
        String number = ei(mdm.getTXA().getUniqueDocumentNumber());
        if (number == null) {
            throw new InvalidException("TXA-12", "a cancellation names the document by its number (TXA-12)");
        }
        int n = tx.createUpdate("UPDATE hl7_document SET cancelled = TRUE WHERE adapter_id = :a"
                + " AND document_number = :n AND patient_identifier = :i").bind("a", adapterId).bind("n", number)
                .bind("i", identifier).execute();
        // a cancelled replacement was in error: the version it replaced is the current one again
        tx.createUpdate("UPDATE hl7_document SET replaced_by = NULL WHERE adapter_id = :a AND replaced_by = :n"
                + " AND patient_identifier = :i").bind("a", adapterId).bind("n", number).bind("i", identifier)
                .execute();
        if (n == 0) {
            throw new UnprocessableException("TXA-12", "no document " + number + " of this patient came over this"
                    + " interface");
        }
        return "document " + number + " cancelled";
    }

    /** What became of an ORU's embedded documents: how many were kept, and why one was not. */
    record FromResults(int kept, String unreadable) {
    }

    /**
     * The embedded documents (OBX of type ED) of an ORU^R01, each a document of its own numbered by the stored
     * message's id and the OBX's position (control ids are only unique per sender, and senders reuse them); the text
     * of the order's other OBXs goes with it. An embedded document whose data is not valid is left out and named, and
     * the message's results are kept all the same.
     */
    static FromResults storeFromResults(Handle tx, String messageId, String adapterId, String identifier,
            ORU_R01 oru) throws HL7Exception {
        tx.createUpdate("DELETE FROM hl7_document WHERE message_id = :m").bind("m", messageId).execute();
        int kept = 0;
        String unreadable = null;
        int position = 0;
        for (ORU_R01_ORDER_OBSERVATION oo : orders(oru)) {
            StringBuilder text = new StringBuilder();
            Content content = null;
            for (int x = 0; x < oo.getOBSERVATIONReps(); x++) {
                position++;
                try {
                    content = collect(oo.getOBSERVATION(x).getOBX(), position, text, content);
                } catch (InvalidException e) {
                    unreadable = "OBX " + position + ": " + e.detail();
                }
            }
            if (content == null) {
                continue;
            }
            OBR obr = oo.getOBR();
            upsert(tx, new Row(adapterId, messageId + "-" + content.obx(), messageId, identifier,
                    "ORU", first(Header.nz(obr.getUniversalServiceIdentifier().getText().getValue()).trim(),
                            Header.nz(obr.getUniversalServiceIdentifier().getIdentifier().getValue()).trim()),
                    first(ei(obr.getFillerOrderNumber()), ei(obr.getPlacerOrderNumber())), null,
                    Header.nz(obr.getResultStatus().getValue()).trim(),
                    first(Observations.instant(obr.getObservationDateTime()),
                            Observations.instant(oru.getMSH().getDateTimeOfMessage())),
                    obr.getPrincipalResultInterpreter().getNDLName().getFamilyName().getValue(),
                    text.length() == 0 ? null : text.toString(), content));
            kept++;
        }
        return new FromResults(kept, unreadable);
    }

    /** Adds an OBX's text to {@code text}, or returns its content when it is the first ED; {@code found} else. */
    private static Content collect(OBX obx, int position, StringBuilder text, Content found) throws HL7Exception {
        String status = Header.nz(obx.getObservationResultStatus().getValue());
        if (status.equals("W") || status.equals("D")) {
            return found;
        }
        String type = Header.nz(obx.getValueType().getValue()).trim();
        for (int v = 0; v < obx.getObservationValueReps(); v++) {
            Type data = obx.getObservationValue(v).getData();
            if (type.equals("ED") && data instanceof ED ed) {
                if (found == null) {
                    byte[] bytes = decode(ed);
                    found = new Content(position, contentType(ed), bytes.length);
                }
            } else if (Set.of("TX", "FT", "ST").contains(type)) {
                // HAPI has undone the delimiter escapes; formatted text's line breaks (\.br\) remain
                String value = (data instanceof Primitive p ? Header.nz(p.getValue()) : Header.nz(data.encode()))
                        .replace("\\.br\\", "\n");
                if (!value.isBlank()) {
                    text.append(text.length() == 0 ? "" : "\n").append(value);
                }
            }
        }
        return found;
    }

    /** The documents of a patient, newest first; cancelled and replaced ones left out. */
    static List<ClinicalDocument> read(Jdbi jdbi, String adapterId, String identifier, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM hl7_document WHERE adapter_id = :a"
                + " AND patient_identifier = :p AND NOT cancelled AND replaced_by IS NULL"
                + " ORDER BY authored DESC NULLS LAST, document_number LIMIT :l").bind("a", adapterId)
                .bind("p", identifier).bind("l", Math.max(1, Math.min(limit, 500))).map((rs, c) -> {
                    Timestamp at = rs.getTimestamp("authored");
                    return new ClinicalDocument(rs.getString("document_number"), rs.getString("document_type"),
                            rs.getString("title"), rs.getString("status"), at == null ? null : at.toInstant(),
                            rs.getString("author"), rs.getString("order_number"), rs.getString("parent_number"),
                            rs.getString("text"), rs.getString("content_type"), rs.getLong("content_bytes"));
                }).list());
    }

    /**
     * A document's content, decoded from its stored message; empty when there is none or the document was cancelled.
     * A version that a later one replaced is not listed, but its content stays readable by its number: it is part of
     * the record's history, as the replacement's TXA-13 names it.
     */
    static Optional<DocumentContent> content(Jdbi jdbi, Codec codec, String adapterId, String identifier,
            String number) throws HL7Exception {
        record Stored(byte[] raw, String charset, int obx) {
        }
        Optional<Stored> row = jdbi.withHandle(h -> h.createQuery("SELECT m.raw, m.charset, d.content_obx"
                + " FROM hl7_document d JOIN hl7_message m ON m.id = d.message_id WHERE d.adapter_id = :a"
                + " AND d.patient_identifier = :p AND d.document_number = :n AND NOT d.cancelled"
                + " AND d.content_obx IS NOT NULL").bind("a", adapterId).bind("p", identifier).bind("n", number)
                .map((rs, c) -> new Stored(rs.getBytes(1), rs.getString(2), rs.getInt(3))).findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Message m = Codec.inBundle(() -> codec.parser().parse(new String(row.get().raw(),
                Charset.forName(row.get().charset()))));
        OBX obx = obx(m, row.get().obx());
        for (int v = 0; obx != null && v < obx.getObservationValueReps(); v++) {
            if (obx.getObservationValue(v).getData() instanceof ED ed) {
                return Optional.of(new DocumentContent(contentType(ed), decode(ed)));
            }
        }
        return Optional.empty();
    }

    /** The OBX at a 1-based position of an MDM, or of an ORU across its orders. */
    private static OBX obx(Message m, int position) throws HL7Exception {
        if (m instanceof MDM_T02 mdm) {
            return position <= mdm.getOBSERVATIONReps() ? mdm.getOBSERVATION(position - 1).getOBX() : null;
        }
        if (m instanceof ORU_R01 oru) {
            int before = 0;
            for (ORU_R01_ORDER_OBSERVATION oo : orders(oru)) {
                if (position - before <= oo.getOBSERVATIONReps()) {
                    return oo.getOBSERVATION(position - before - 1).getOBX();
                }
                before += oo.getOBSERVATIONReps();
            }
        }
        return null;
    }

    /**
     * An ORU's orders in message order, across its patients: the one traversal that numbers OBX positions, when a
     * document is kept and when its content is read back.
     */
    private static List<ORU_R01_ORDER_OBSERVATION> orders(ORU_R01 oru) throws HL7Exception {
        List<ORU_R01_ORDER_OBSERVATION> orders = new ArrayList<>();
        for (int p = 0; p < oru.getPATIENT_RESULTReps(); p++) {
            orders.addAll(oru.getPATIENT_RESULT(p).getORDER_OBSERVATIONAll());
        }
        return orders;
    }

    /**
     * An ED's data (ED-5) in its encoding (ED-4): Base64 (wrapped or not), hex, or plain text (A). Data that is not
     * valid in its encoding is refused, never decoded into a damaged document.
     */
    static byte[] decode(ED ed) throws InvalidException {
        String data = Header.nz(ed.getData().getValue());
        String encoding = Header.nz(ed.getEncoding().getValue()).trim().toUpperCase(Locale.ROOT);
        try {
            return switch (encoding) {
                // line breaks as senders wrap it are left out; any other character not of Base64 is refused
                case "BASE64", "B64" -> Base64.getDecoder().decode(data.replaceAll("\\s", ""));
                case "HEX" -> HexFormat.of().parseHex(data.replaceAll("\\s", ""));
                case "A", "" -> data.getBytes(StandardCharsets.UTF_8);
                default -> throw new InvalidException("OBX-5", "an embedded document's encoding '" + encoding
                        + "' (ED-4) is not Base64, Hex or A");
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidException("OBX-5", "an embedded document's data is not valid " + encoding + ": "
                    + e.getMessage());
        }
    }

    /** The media type an ED names in its data subtype (ED-3), a media type itself or a table 0291 code. */
    static String contentType(ED ed) {
        String subtype = Header.nz(ed.getDataSubtype().getValue()).trim();
        String known = SUBTYPES.get(subtype.toUpperCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        if (subtype.matches("[A-Za-z]+/[A-Za-z0-9.+-]{1,80}")) {
            return subtype.toLowerCase(Locale.ROOT);
        }
        return Header.nz(ed.getTypeOfData().getValue()).trim().equalsIgnoreCase("TEXT") ? "text/plain"
                : "application/octet-stream";
    }

    /** A row of {@code hl7_document}. */
    private record Row(String adapterId, String number, String messageId, String identifier, String type,
            String title, String order, String parent, String status, Instant authored, String author, String text,
            Content content) {
    }

    /**
     * Writes a document, or its new version under the same number, and says whether it did. A number that is another
     * patient's document is refused, never moved to this patient (a sender reusing numbers would otherwise show one
     * patient's report in another's record). A message older than the one that wrote the row (an administrator's
     * replay of an earlier T02, a T02 sent again after its T11) changes nothing: it neither brings back an older
     * version nor a cancelled document.
     */
    private static boolean upsert(Handle tx, Row r) {
        int n = tx.createUpdate("INSERT INTO hl7_document (adapter_id, document_number, message_id, patient_identifier,"
                + " document_type, title, order_number, parent_number, status, authored, author, text, content_type,"
                + " content_obx, content_bytes) VALUES (:a, :n, :m, :i, :t, :ti, :o, :p, :s, :at, :au, :x, :ct, :co,"
                + " :cb) ON CONFLICT (adapter_id, document_number) DO UPDATE SET message_id = EXCLUDED.message_id,"
                + " patient_identifier = EXCLUDED.patient_identifier, document_type = EXCLUDED.document_type,"
                + " title = EXCLUDED.title, order_number = EXCLUDED.order_number, parent_number ="
                + " EXCLUDED.parent_number, status = EXCLUDED.status, authored = EXCLUDED.authored, author ="
                + " EXCLUDED.author, text = EXCLUDED.text, content_type = EXCLUDED.content_type, content_obx ="
                + " EXCLUDED.content_obx, content_bytes = EXCLUDED.content_bytes"
                + " WHERE hl7_document.patient_identifier = EXCLUDED.patient_identifier"
                + " AND (SELECT received_at FROM hl7_message WHERE id = EXCLUDED.message_id)"
                + " >= (SELECT received_at FROM hl7_message WHERE id = hl7_document.message_id)")
                .bind("a", r.adapterId()).bind("n", Inbound.cut(r.number(), 200)).bind("m", r.messageId())
                .bind("i", r.identifier()).bind("t", Inbound.cut(blankNull(r.type()), 250))
                .bind("ti", Inbound.cut(blankNull(r.title()), 500)).bind("o", Inbound.cut(r.order(), 200))
                .bind("p", Inbound.cut(r.parent(), 200)).bind("s", Inbound.cut(blankNull(r.status()), 10))
                .bind("at", r.authored() == null ? null : Timestamp.from(r.authored()))
                .bind("au", Inbound.cut(blankNull(r.author()), 300)).bind("x", r.text())
                .bind("ct", r.content() == null ? null : r.content().contentType())
                .bind("co", r.content() == null ? null : r.content().obx())
                .bind("cb", r.content() == null ? 0 : r.content().bytes()).execute();
        if (n == 1) {
            return true;
        }
        String owner = tx.createQuery("SELECT patient_identifier FROM hl7_document WHERE adapter_id = :a"
                + " AND document_number = :n").bind("a", r.adapterId()).bind("n", Inbound.cut(r.number(), 200))
                .mapTo(String.class).one();
        if (!owner.equals(r.identifier())) {
            throw new UnprocessableException("TXA-12", "document " + r.number() + " is another patient's in this"
                    + " interface; its number cannot name this patient's document");
        }
        return false; // a replay of an older message: the version a later message brought stays, cancelled or not
    }

    /** An entity identifier's id (EI-1), trimmed; null when empty. */
    private static String ei(EI ei) {
        return blankNull(Header.nz(ei.getEntityIdentifier().getValue()).trim());
    }

    /** A person as "Given Family" (XCN-3, XCN-2), else their id (XCN-1); null when nothing is given. */
    private static String name(XCN x) {
        String given = Header.nz(x.getGivenName().getValue()).trim();
        String family = Header.nz(x.getFamilyName().getSurname().getValue()).trim();
        String both = (given + " " + family).trim();
        return blankNull(both.isEmpty() ? Header.nz(x.getIDNumber().getValue()).trim() : both);
    }

    private static String blankNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                return v;
            }
        }
        return null;
    }
}
