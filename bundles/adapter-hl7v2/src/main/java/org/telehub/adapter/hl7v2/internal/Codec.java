package org.telehub.adapter.hl7v2.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v251.message.ACK;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.IDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * HAPI HL7 v2, set up once: every accepted version (2.3 to 2.5.1) parsed into the 2.5.1 structures (HAPI's canonical
 * model, so one structures jar serves them all), no format validation beyond what the parser needs (an engine takes
 * what senders send and judges fields itself), control ids from {@link ControlIds} (HAPI's default writes an
 * {@code id_file} into the working directory; its in-memory one starts at 1 again with every start). The character
 * set of a message comes from MSH-18, else from the configuration.
 */
final class Codec {
    static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1");

    /** MSH-18 values (HL7 table 0211) and the Java character set each names. */
    private static final Map<String, Charset> CHARSETS = Map.ofEntries(
            Map.entry("ASCII", StandardCharsets.US_ASCII), Map.entry("8859/1", StandardCharsets.ISO_8859_1),
            Map.entry("8859/2", Charset.forName("ISO-8859-2")), Map.entry("8859/5", Charset.forName("ISO-8859-5")),
            Map.entry("8859/6", Charset.forName("ISO-8859-6")), Map.entry("8859/7", Charset.forName("ISO-8859-7")),
            Map.entry("8859/8", Charset.forName("ISO-8859-8")), Map.entry("8859/9", Charset.forName("ISO-8859-9")),
            Map.entry("8859/15", Charset.forName("ISO-8859-15")), Map.entry("UNICODE UTF-8", StandardCharsets.UTF_8),
            Map.entry("UTF-8", StandardCharsets.UTF_8));

    private final HapiContext context;
    private final PipeParser parser;

    Codec() {
        context = new DefaultHapiContext();
        context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        context.setValidationContext(ValidationContextFactory.noValidation());
        context.getParserConfiguration().setIdGenerator(new ControlIds());
        parser = context.getPipeParser();
    }

    /** Work that may reach HAPI, on a thread that is not this bundle's. */
    interface Call<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code call} with this bundle's class loader as the thread's context loader (HAPI looks some of its
     * resources up there), and gives the thread its own back: the work service's and the manager's pool threads
     * serve other bundles too.
     */
    static <T, E extends Exception> T inBundle(Call<T, E> call) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader was = thread.getContextClassLoader();
        thread.setContextClassLoader(Codec.class.getClassLoader());
        try {
            return call.run();
        } finally {
            thread.setContextClassLoader(was);
        }
    }

    PipeParser parser() {
        return parser;
    }

    /**
     * The character set MSH-18 names (read from the bytes as Latin-1, which keeps every byte), else
     * {@code fallback}.
     *
     * @throws HL7Exception for a character set this hub does not read
     */
    static Charset charset(byte[] raw, Charset fallback) throws HL7Exception {
        String head = new String(raw, 0, Math.min(raw.length, 1024), StandardCharsets.ISO_8859_1);
        if (!head.startsWith("MSH") || head.length() < 8) {
            return fallback;
        }
        char sep = head.charAt(3);
        int end = head.indexOf('\r');
        String[] fields = (end < 0 ? head : head.substring(0, end)).split(java.util.regex.Pattern.quote(
                String.valueOf(sep)), -1);
        // fields[0] is "MSH", fields[1] the encoding characters (MSH-2): MSH-n is fields[n - 1]
        if (fields.length < 18 || fields[17].isBlank()) {
            return fallback;
        }
        String named = fields[17].split(java.util.regex.Pattern.quote(String.valueOf(head.charAt(4))))[0].trim();
        Charset c = CHARSETS.get(named.toUpperCase(Locale.ROOT));
        if (c == null) {
            throw new HL7Exception("character set '" + named + "' (MSH-18) is not one this hub reads",
                    ErrorCode.UNSUPPORTED_MESSAGE_TYPE);
        }
        return c;
    }

    private static final java.time.format.DateTimeFormatter ACK_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyyMMddHHmmss.SSSZ").withZone(java.time.ZoneOffset.UTC);
    private final ControlIds controlIds = new ControlIds();

    /**
     * The AA of a message in the usual delimiters ({@code |^~\&}), written directly: the sender's MSH-3, MSH-4,
     * MSH-10, MSH-11, MSH-12 and MSH-18 copied as they were encoded, the event of MSH-9 as {@code ACK^<event>^ACK},
     * as HAPI's {@code generateACK} makes it — which costs more than the rest of a message's reception. Null when the
     * message uses other delimiters or the configured names need escaping: then HAPI writes it ({@link #ack}).
     */
    String fastAck(String text, String application, String facility) {
        if (!text.startsWith("MSH|^~\\&|") || !plain(application) || !plain(facility)) {
            return null;
        }
        int end = text.indexOf('\r');
        String[] f = (end < 0 ? text : text.substring(0, end)).split("\\|", -1);
        // f[n] is MSH-(n + 1): f[0] "MSH", f[1] the encoding characters
        String[] type = field(f, 8).split("\\^", -1);
        String event = type.length > 1 ? type[1] : "";
        StringBuilder ack = new StringBuilder(160).append("MSH|^~\\&|").append(application).append('|')
                .append(facility).append('|').append(field(f, 2)).append('|').append(field(f, 3)).append('|')
                .append(ACK_TIME.format(java.time.Instant.now())).append("||ACK^").append(event).append("^ACK|")
                .append(controlIds.getID()).append('|').append(field(f, 10)).append('|').append(field(f, 11));
        if (!field(f, 17).isEmpty()) {
            ack.append("||||||").append(field(f, 17));
        }
        return ack.append("\rMSA|AA|").append(field(f, 9)).append('\r').toString();
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i] : "";
    }

    private static boolean plain(String s) {
        return s.chars().noneMatch(c -> c == '|' || c == '^' || c == '~' || c == '\\' || c == '&' || c < 0x20);
    }

    /** The ACK of an accepted or refused message, in the version and character set it came in. */
    static Message ack(Message in, AcknowledgmentCode code, HL7Exception error, String application, String facility)
            throws Exception {
        Message ack = error == null ? in.generateACK(code, null) : in.generateACK(code, error);
        Terser t = new Terser(ack);
        t.set("MSH-3-1", application);
        t.set("MSH-4-1", facility);
        return ack;
    }

    /**
     * The ACK of a message that could not be parsed: MSH taken from what HAPI could read of it (so the sender can
     * match the answer to its message), else a bare one.
     */
    Message reject(String text, HL7Exception error, String application, String facility) throws Exception {
        ACK ack = new ACK();
        ack.setParser(parser);
        ack.initQuickstart("ACK", null, "P");
        Terser t = new Terser(ack);
        t.set("MSH-3-1", application);
        t.set("MSH-4-1", facility);
        try {
            Segment msh = parser.getCriticalResponseData(text);
            Terser.set(ack.getMSH(), 5, 0, 1, 1, Terser.get(msh, 3, 0, 1, 1));
            Terser.set(ack.getMSH(), 6, 0, 1, 1, Terser.get(msh, 4, 0, 1, 1));
            t.set("MSA-2", Terser.get(msh, 10, 0, 1, 1));
            String version = Terser.get(msh, 12, 0, 1, 1);
            if (version != null && VERSIONS.contains(version)) {
                t.set("MSH-12", version);
            }
        } catch (HL7Exception | RuntimeException unreadable) {
            // not even MSH: the bare ACK below still says AR and why
        }
        t.set("MSA-1", AcknowledgmentCode.AR.name());
        error.populateResponse(ack, AcknowledgmentCode.AR, 0);
        return ack;
    }

    /**
     * MSH-10 of the hub's own messages: unique across restarts and nodes in the 20 characters HL7 2.5.1 allows —
     * 4 random characters per codec, the time in milliseconds and a counter, base 36.
     */
    static final class ControlIds implements IDGenerator {
        private final String node = Long.toString(36L * 36 * 36 + new java.security.SecureRandom().nextInt(
                36 * 36 * 36 * 35), 36).toUpperCase(Locale.ROOT);
        private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public String getID() {
            String seq = Long.toString(36L * 36 * 36 * 36 + next.getAndIncrement() % (36L * 36 * 36 * 36), 36);
            return (node + Long.toString(System.currentTimeMillis(), 36) + seq.substring(1))
                    .toUpperCase(Locale.ROOT);
        }
    }
}
