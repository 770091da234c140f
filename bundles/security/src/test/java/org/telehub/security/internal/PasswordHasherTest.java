package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(10_000);

    @Test
    void verifiesTheRightPasswordOnly() {
        String h = hasher.hash("correct horse battery staple".toCharArray());
        assertTrue(h.startsWith("pbkdf2-sha256$10000$"), h);
        assertTrue(hasher.verify("correct horse battery staple".toCharArray(), h));
        assertFalse(hasher.verify("correct horse battery stapl".toCharArray(), h));
        assertFalse(hasher.verify("".toCharArray(), h));
    }

    @Test
    void saltsEveryHash() {
        assertNotEquals(hasher.hash("same".toCharArray()), hasher.hash("same".toCharArray()));
    }

    @Test
    void keepsTheCostAHashWasMadeWith() {
        String older = new PasswordHasher(20_000).hash("pw-from-last-year".toCharArray());
        assertTrue(hasher.verify("pw-from-last-year".toCharArray(), older), "a hasher verifies hashes of any cost");
    }

    @Test
    void rejectsGarbageAndWeakSettings() {
        assertFalse(hasher.verify("x".toCharArray(), null));
        assertFalse(hasher.verify("x".toCharArray(), "md5$abc"));
        assertFalse(hasher.verify("x".toCharArray(), "pbkdf2-sha256$notanumber$AA$AA"));
        assertFalse(hasher.verify("x".toCharArray(), "pbkdf2-sha256$10000$!!!$AA"));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(1000));
    }
}
