package org.telehub.chat.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jdbi.v3.core.Jdbi;
import org.telehub.files.SecretBox;

/**
 * Signs and checks download grants: {@code <expiry epoch seconds>.<holder, Base64url>.<HMAC-SHA256, Base64url>} over
 * the attachment id, the holder and the expiry. The key is made once, sealed with the master key, in {@code chat_key}
 * and so the same on every node.
 */
final class LinkSigner {
    private static final String CONTEXT = "chat_key.download";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** A grant that holds: who it was issued to. */
    record Grant(String holder, Instant expires) {
    }

    private final byte[] key;

    LinkSigner(byte[] key) {
        this.key = key.clone();
    }

    static LinkSigner load(Jdbi jdbi, SecretBox box) {
        Optional<String> sealed = stored(jdbi);
        if (sealed.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            // of nodes starting at once one inserts; the others read its key
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO chat_key (name, key_value, created_at) VALUES ('download',"
                    + " :v, :t) ON CONFLICT DO NOTHING").bind("v", box.seal(Base64.getEncoder().encodeToString(fresh),
                            CONTEXT)).bind("t", Timestamp.from(Instant.now())).execute());
            sealed = stored(jdbi);
        }
        return new LinkSigner(Base64.getDecoder().decode(box.open(sealed.orElseThrow(), CONTEXT)));
    }

    private static Optional<String> stored(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT key_value FROM chat_key WHERE name = 'download'")
                .mapTo(String.class).findOne());
    }

    String sign(String attachmentId, String holder, Instant expires) {
        long exp = expires.getEpochSecond();
        return exp + "." + B64.encodeToString(holder.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(mac(attachmentId, holder, exp));
    }

    /** The grant when {@code grant} was signed for this attachment and has not expired at {@code now}. */
    Optional<Grant> verify(String attachmentId, String grant, Instant now) {
        if (grant == null || grant.length() > 600) {
            return Optional.empty();
        }
        String[] parts = grant.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            long exp = Long.parseLong(parts[0]);
            String holder = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(sig, mac(attachmentId, holder, exp))
                    || now.getEpochSecond() >= exp) {
                return Optional.empty();
            }
            return Optional.of(new Grant(holder, Instant.ofEpochSecond(exp)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String attachmentId, String holder, long exp) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal((attachmentId + "\n" + holder + "\n" + exp).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
