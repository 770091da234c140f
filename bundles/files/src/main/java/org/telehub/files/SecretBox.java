package org.telehub.files;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Seals short secrets that must live in the database (signing keys, webhook secrets) with the hub's master key,
 * which lives outside it (the file store's key file): a copy of the database alone, a dump or a replica, yields no
 * usable secret. AES-256-GCM, so a sealed value that was altered, or copied to another row, fails to open instead of
 * yielding another secret.
 *
 * <p>A sealed value is ASCII, {@code sb1:} and Base64; the prefix names the scheme and key version, so a later
 * version can be told apart and re-sealed.
 */
@ProviderType
public interface SecretBox {

    /**
     * Seals {@code secret} for {@code context}: a name of where it is kept, e.g. {@code encounter_webhook.secret:<id>},
     * bound to the sealed value (it opens only for the same context). Each call gives another value.
     */
    String seal(String secret, String context);

    /**
     * The secret sealed for {@code context}.
     *
     * @throws IllegalArgumentException if {@code sealed} is not a sealed value ({@link #isSealed} is false)
     * @throws IllegalStateException if it does not open: sealed with another key than this hub's key file (named in
     *         the message), altered, or sealed for another context
     */
    String open(String sealed, String context);

    /** Whether {@code stored} has the form of a sealed value (not whether it opens). */
    boolean isSealed(String stored);
}
