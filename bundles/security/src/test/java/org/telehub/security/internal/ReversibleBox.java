package org.telehub.security.internal;

import org.telehub.files.SecretBox;

/** Sealing is the files bundle's (tested there); here a reversible stand-in that shows where it is used. */
final class ReversibleBox {
    static final SecretBox BOX = new SecretBox() {
        @Override
        public String seal(String secret, String context) {
            return "sealed:" + context + ":" + new StringBuilder(secret).reverse();
        }

        @Override
        public String open(String sealed, String context) {
            String prefix = "sealed:" + context + ":";
            if (!sealed.startsWith(prefix)) {
                throw new IllegalStateException("sealed for another context");
            }
            return new StringBuilder(sealed.substring(prefix.length())).reverse().toString();
        }

        @Override
        public boolean isSealed(String stored) {
            return stored.startsWith("sealed:");
        }
    };

    private ReversibleBox() {
    }
}
