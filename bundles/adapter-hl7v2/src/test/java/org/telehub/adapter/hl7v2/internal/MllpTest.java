package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MllpTest {

    private static ByteArrayInputStream in(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static byte[] frame(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mllp.write(out, s.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void framesFollowOneAnotherAndAnFsInsideTheContentIsContent() throws Exception {
        ByteArrayInputStream s = in(frame("MSH|a"), "\r\n".getBytes(), frame("MSH|b\u001cx"));
        assertEquals("MSH|a", new String(Mllp.read(s, 100).content(), StandardCharsets.UTF_8));
        assertEquals("MSH|b\u001cx", new String(Mllp.read(s, 100).content(), StandardCharsets.UTF_8));
        assertNull(Mllp.read(s, 100), "closed between frames: no frame, no error");
    }

    @Test
    void aLongFrameIsCutAndMarkedAndTheNextOneIsWhole() throws Exception {
        ByteArrayInputStream s = in(frame("x".repeat(5000)), frame("MSH|next"));
        Mllp.Frame big = Mllp.read(s, 1024);
        assertTrue(big.oversized());
        assertEquals(1024, big.content().length);
        Mllp.Frame next = Mllp.read(s, 1024);
        assertFalse(next.oversized());
        assertArrayEquals("MSH|next".getBytes(), next.content());
    }

    @Test
    void brokenFramingIsAnError() {
        assertThrows(Mllp.FramingException.class, () -> Mllp.read(in("GET / HTTP/1.1".getBytes()), 100));
        assertThrows(Mllp.FramingException.class, () -> Mllp.read(in(new byte[] {0x0b, 'M', 'S', 'H'}), 100),
                "closed inside a frame");
    }

    @Test
    void theCharacterSetComesFromMsh18() throws Exception {
        byte[] latin = "MSH|^~\\&|A|B|C|D|2026||ADT^A04|1|P|2.5.1||||||8859/1\rPID|1||X||Müller"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(StandardCharsets.ISO_8859_1, Codec.charset(latin, StandardCharsets.UTF_8));
        byte[] none = "MSH|^~\\&|A|B|C|D|2026||ADT^A04|1|P|2.5.1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(StandardCharsets.UTF_8, Codec.charset(none, StandardCharsets.UTF_8));
        byte[] odd = "MSH|^~\\&|A|B|C|D|2026||ADT^A04|1|P|2.5.1||||||ISO IR87".getBytes(StandardCharsets.US_ASCII);
        assertThrows(ca.uhn.hl7v2.HL7Exception.class, () -> Codec.charset(odd, StandardCharsets.UTF_8));
    }

    @Test
    void theHubsControlIdsAreUniqueAndFitMsh10() {
        Codec.ControlIds ids = new Codec.ControlIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.getID();
            assertTrue(id.length() <= 20, id);
            assertTrue(seen.add(id), id);
        }
        assertFalse(new Codec.ControlIds().getID().substring(0, 4).equals(ids.getID().substring(0, 4))
                && new Codec.ControlIds().getID().substring(0, 4).equals(ids.getID().substring(0, 4)),
                "each codec has its own random part (a collision twice in a row would be 1 in 2e12)");
    }

    @Test
    void theDirectAckSaysWhatHapisWould() throws Exception {
        Codec codec = new Codec();
        String in = "MSH|^~\\&|HIS|NORTH|TELEHUB|HUB|20261205||ADT^A04^ADT_A01|C-9|P|2.4||||||8859/1\rPID|1||X";
        String fast = codec.fastAck(in, "TELEHUB", "HUB");
        ca.uhn.hl7v2.util.Terser t = new ca.uhn.hl7v2.util.Terser(codec.parser().parse(fast));
        assertEquals("TELEHUB", t.get("MSH-3-1"));
        assertEquals("HUB", t.get("MSH-4-1"));
        assertEquals("HIS", t.get("MSH-5-1"));
        assertEquals("NORTH", t.get("MSH-6-1"));
        assertEquals("ACK", t.get("MSH-9-1"));
        assertEquals("A04", t.get("MSH-9-2"));
        assertEquals("P", t.get("MSH-11-1"));
        assertEquals("2.4", t.get("MSH-12-1"));
        assertEquals("8859/1", t.get("MSH-18"));
        assertEquals("AA", t.get("MSA-1"));
        assertEquals("C-9", t.get("MSA-2"));
        assertTrue(t.get("MSH-10").length() <= 20);
        assertNull(codec.fastAck(in.replace("^~\\&", "^~\\&#"), "TELEHUB", "HUB"), "other delimiters: HAPI's");
        assertNull(codec.fastAck(in, "TELE|HUB", "HUB"), "a name to escape: HAPI's");
    }

    @Test
    void aDeliverysControlIdFollowsFromItsKey() {
        String id = Outbound.controlId("delivery-1/0");
        assertEquals(id, Outbound.controlId("delivery-1/0"), "a retry sends the same MSH-10");
        assertFalse(id.equals(Outbound.controlId("delivery-1/1")));
        assertEquals(19, id.length());
        assertTrue(id.matches("T[0-9A-Z]{18}"), id);
    }

    @Test
    void segmentsAreSplitAsTheMessageDeclares() {
        var segs = Messages.segments("MSH#^~\\&#A#B\rPID#1##X^^^H^MR\r");
        assertEquals("MSH", segs.get(0).name());
        assertEquals(java.util.List.of("#", "^~\\&", "A", "B"), segs.get(0).fields());
        assertEquals(java.util.List.of("1", "", "X^^^H^MR"), segs.get(1).fields());
    }
}
