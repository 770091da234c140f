package org.telehub.directory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class NormaliserTest {
    @Test
    void arabicAndPersianLettersAndDigitsMeet() {
        assertEquals(Normaliser.text("علی"), Normaliser.text("علي")); // Persian yeh, Arabic yeh
        assertEquals(Normaliser.text("کریم"), Normaliser.text("كريم")); // keheh, Arabic kaf
        assertEquals("123", Normaliser.text("۱۲۳"));
        assertEquals("123", Normaliser.text("١٢٣"));
        assertEquals("jose muller", Normaliser.text("José Müller"));
        assertEquals(Normaliser.text("فاطمه"), Normaliser.text("فاطمة"));
    }

    @Test
    void zwnjWordsAreFoundWholeAndByTheirParts() {
        String doc = Normaliser.document(List.of("علی‌رضا احمدی"));
        assertEquals("علیرضا علی رضا احمدی", doc);
        assertEquals("علیرضا:*", Normaliser.prefixQuery("علي‌رضا"));
    }

    @Test
    void queriesCarryNoTsquerySyntax() {
        assertEquals("dr:* & house:*", Normaliser.prefixQuery("Dr. House! & | ( ) :*"));
        assertNull(Normaliser.prefixQuery(" !!! "));
        assertNull(Normaliser.prefixQuery(""));
    }
}
