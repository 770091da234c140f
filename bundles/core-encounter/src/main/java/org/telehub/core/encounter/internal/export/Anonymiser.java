package org.telehub.core.encounter.internal.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.telehub.domain.patientdata.Disclosure;

/**
 * The research export's {@link Disclosure}: one per export. Pseudonyms are HMAC-SHA256 under a random key that
 * lives only as long as this object (stable within the export, unlinkable across exports, not reversible by the
 * hub either); dates move by one random whole-day offset of 30 to 730 days either way; identifying attributes are
 * dropped; free text only when chosen. Every identifier and identifying value it is handed is remembered, and
 * {@link #finish} removes them from the free text (where they hide: "call me on +49 30 …"), together with the
 * original forms of each date it shifted.
 *
 * <p>What it cannot do: recognise PHI the hub does not hold as such (another person's name, an address typed into
 * a note), or quasi-identifiers (a rare condition, age plus clinic); that is why free text is opt-in.
 */
final class Anonymiser implements Disclosure {
    static final String REDACTED = "[redacted]";
    private static final Pattern PLACEHOLDER = Pattern.compile("\u0000ft(\\d+)\u0000");
    private static final Pattern DIGITS = Pattern.compile("\\+?[\\d ()./-]{6,}");
    private final Mac mac;
    private final long shiftDays;
    private final boolean freeText;
    private final Set<String> known = new LinkedHashSet<>();
    private final List<String> texts = new ArrayList<>();
    private List<String> scrubbed;

    Anonymiser(boolean freeText, SecureRandom random) {
        this.freeText = freeText;
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        long days = 30 + random.nextInt(701);
        shiftDays = random.nextBoolean() ? days : -days;
    }

    long shiftDays() {
        return shiftDays;
    }

    @Override
    public boolean anonymised() {
        return true;
    }

    @Override
    public synchronized String id(String kind, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() >= 6) {
            remember(value); // an MRN in a note; not short sequence numbers (a dose of "500" is no identifier)
        }
        byte[] h = mac.doFinal((kind + '\u0000' + value).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 10);
    }

    @Override
    public synchronized String identifying(String value) {
        if (value != null) {
            remember(value);
            for (String part : value.split("[\\s,;]+")) {
                remember(part);
            }
        }
        return null;
    }

    /**
     * A placeholder for now: the text is scrubbed at the end ({@link #finish}), when every identifier and
     * identifying value of the export has been seen, wherever in the export the text came first.
     */
    @Override
    public synchronized String freeText(String value) {
        if (!freeText || value == null) {
            return null;
        }
        texts.add(value);
        return "\u0000ft" + (texts.size() - 1) + "\u0000";
    }

    @Override
    public Instant instant(Instant value) {
        return value == null ? null : value.plusSeconds(shiftDays * 86_400);
    }

    @Override
    public synchronized LocalDate date(LocalDate value) {
        if (value == null) {
            return null;
        }
        for (String f : List.of("yyyy-MM-dd", "dd.MM.yyyy", "dd/MM/yyyy", "MM/dd/yyyy", "d.M.yyyy", "yyyyMMdd")) {
            remember(value.format(DateTimeFormatter.ofPattern(f)));
        }
        return value.plusDays(shiftDays);
    }

    private void remember(String value) {
        String v = value.strip();
        if (v.length() >= 3) {
            known.add(v);
        }
    }

    /** {@code node} (a resource: maps and lists) with the free text, scrubbed, in place of its placeholders. */
    synchronized Object finish(Object node) {
        if (scrubbed == null) {
            List<Pattern> patterns = patterns();
            scrubbed = new ArrayList<>();
            for (String t : texts) {
                String out = t;
                for (Pattern p : patterns) {
                    out = p.matcher(out).replaceAll(Matcher.quoteReplacement(REDACTED));
                }
                scrubbed.add(out);
            }
        }
        if (node instanceof String s) {
            return PLACEHOLDER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(scrubbed.get(
                    Integer.parseInt(m.group(1)))));
        }
        if (node instanceof Map<?, ?> m) { // a copy: contributors may hand immutable maps
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, finish(v)));
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(finish(v)));
            return out;
        }
        return node;
    }

    /**
     * What {@link #finish} looks for in free text: each remembered value as written (case-insensitive), longest first; a value
     * that is mostly digits (a phone number, an MRN) also as its last digits with any separators between them, so
     * "+49 30 1234567" is found in "030/123 45 67".
     */
    synchronized List<Pattern> patterns() {
        List<String> values = new ArrayList<>(known);
        values.sort((a, b) -> b.length() - a.length());
        List<Pattern> out = new ArrayList<>();
        for (String v : values) {
            out.add(Pattern.compile(Pattern.quote(v), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            if (DIGITS.matcher(v).matches()) {
                String digits = v.replaceAll("\\D", "");
                if (digits.length() >= 6) {
                    String tail = digits.substring(Math.max(0, digits.length() - 7));
                    StringBuilder re = new StringBuilder();
                    for (char c : tail.toCharArray()) {
                        re.append(re.length() == 0 ? "" : "[\\s()./-]{0,3}").append(c);
                    }
                    out.add(Pattern.compile(re.toString()));
                }
            }
        }
        return out;
    }
}
