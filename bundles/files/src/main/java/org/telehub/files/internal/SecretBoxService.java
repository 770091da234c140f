package org.telehub.files.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.files.SecretBox;
import org.telehub.persistence.Database;

/**
 * The {@link SecretBox}: AES-256-GCM under a key derived from the master key (HMAC-SHA256 of a fixed label, apart
 * from the file store's per-file keys), a random 96-bit nonce per value, the context as associated data. Same
 * configuration as the file store, so one key file serves both.
 */
@Component(service = SecretBox.class, configurationPid = "org.telehub.files")
public class SecretBoxService implements SecretBox {
    static final String PREFIX = "sb1:";
    private static final byte[] LABEL = "telehub secret box key 1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Path keyFile;

    @Activate
    public SecretBoxService(@Reference Database database, FilesConfig config) throws IOException {
        this(FileStoreService.migrated(database), FileStoreService.dataPath(config.directory(), "files"),
                FileStoreService.dataPath(config.keyFile(), "files.key"));
    }

    /** Public for other bundles' tests, which seal with the real thing. */
    public SecretBoxService(Jdbi jdbi, Path filesDirectory, Path keyFile) throws IOException {
        this.keyFile = keyFile.toAbsolutePath();
        byte[] master = MasterKey.load(jdbi, keyFile, filesDirectory);
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(master, "HmacSHA256"));
            this.key = new SecretKeySpec(m.doFinal(LABEL), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + sealed.length).put(nonce)
                    .put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String open(String sealed, String context) {
        if (!isSealed(sealed)) {
            throw new IllegalArgumentException("not a sealed secret (" + context + ")");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a sealed secret (" + context + "): not Base64");
        }
        if (raw.length < NONCE + TAG_BITS / 8) {
            throw new IllegalArgumentException("not a sealed secret (" + context + "): too short");
        }
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(raw, NONCE), context);
            return new String(c.doFinal(raw, NONCE, raw.length - NONCE), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the secret " + context + " does not open with the master key "
                    + keyFile + ": it was sealed with another key (restore the right key file), altered, or copied"
                    + " from another place");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
