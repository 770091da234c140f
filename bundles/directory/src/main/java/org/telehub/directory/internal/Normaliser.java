package org.telehub.directory.internal;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Search text as the directory indexes and queries it, so one spelling finds the other: lower case without accents
 * or Arabic diacritics; Arabic yeh and alef maksura as Persian yeh, Arabic kaf as Persian kaf, teh marbuta and heh
 * with yeh as heh, hamza-carrying alefs as alef; Persian and Arabic-Indic digits as ASCII; a word joined by a
 * zero-width non-joiner indexed whole and as its parts ("علی‌رضا" is found by "علیرضا" and by "رضا").
 */
final class Normaliser {
    private static final char ZWNJ = '\u200C';

    private Normaliser() {
    }

    /** One string, normalised; ZWNJ joins (the word whole). */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        String d = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || c == '\u0640' /* tatweel */) {
                continue; // Latin accents, Arabic harakat
            }
            b.append(switch (c) {
                case '\u064A', '\u0649', '\u06D2' -> '\u06CC'; // Arabic yeh, alef maksura, yeh barree -> Persian yeh
                case '\u0643' -> '\u06A9'; // Arabic kaf -> keheh
                case '\u0629', '\u06C0', '\u06C1' -> '\u0647'; // teh marbuta, heh with yeh, heh goal -> heh
                case '\u0623', '\u0625', '\u0622', '\u0671' -> '\u0627'; // alefs -> alef
                case '\u0624' -> '\u0648';
                case '\u0626' -> '\u06CC';
                case '\u200D', '\uFEFF', '\u200E', '\u200F' -> '\0';
                default -> {
                    if (c >= '\u06F0' && c <= '\u06F9') {
                        yield (char) ('0' + c - '\u06F0');
                    }
                    if (c >= '\u0660' && c <= '\u0669') {
                        yield (char) ('0' + c - '\u0660');
                    }
                    yield c;
                }
            });
        }
        String out = b.toString().replace("\0", "").toLowerCase(Locale.ROOT);
        return Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    /** The words of {@code parts}, normalised, for {@code search_text}: each ZWNJ word whole and in parts. */
    static String document(List<String> parts) {
        Set<String> words = new LinkedHashSet<>();
        for (String p : parts) {
            for (String w : words(text(p))) {
                words.add(w.replace(String.valueOf(ZWNJ), ""));
                if (w.indexOf(ZWNJ) >= 0) {
                    for (String piece : w.split(String.valueOf(ZWNJ))) {
                        if (!piece.isEmpty()) {
                            words.add(piece);
                        }
                    }
                }
            }
        }
        return String.join(" ", words);
    }

    /**
     * A {@code to_tsquery('simple', …)} that every word of {@code query} begins a word of the document, or null when
     * the query has no word. Words are letters and digits only, so nothing of the query reaches tsquery's syntax.
     */
    static String prefixQuery(String query) {
        List<String> ws = words(text(query).replace(String.valueOf(ZWNJ), ""));
        if (ws.isEmpty()) {
            return null;
        }
        return ws.stream().limit(8).map(w -> w + ":*").collect(Collectors.joining(" & "));
    }

    /** Runs of letters, digits and ZWNJ. */
    private static List<String> words(String s) {
        return java.util.Arrays.stream(s.split("[^\\p{L}\\p{N}\u200C]+"))
                .map(w -> w.replaceAll("^\u200C+|\u200C+$", "")).filter(w -> !w.isEmpty()).toList();
    }
}
