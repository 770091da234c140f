package org.telehub.video.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers handed to a peer that joins: STUN as configured, TURN with a credential of the TURN REST scheme
 * that coturn's {@code use-auth-secret} checks: username {@code <expiry in epoch seconds>:<peerId>} (the peer, not
 * the person: the TURN server's logs name nobody), credential base64(HMAC-SHA1(shared secret, username)).
 */
final class IceServers {
    private IceServers() {
    }

    /** True when TURN is configured (servers and a secret). */
    static boolean turn(VideoConfig c) {
        return c.turnUrls() != null && c.turnUrls().length > 0 && c.turnSecret() != null
                && !c.turnSecret().isBlank();
    }

    static List<Map<String, Object>> of(VideoConfig c, String peerId, Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (c.stunUrls() != null && c.stunUrls().length > 0) {
            out.add(Map.of("urls", List.of(c.stunUrls())));
        }
        if (turn(c)) {
            String username = now.plusSeconds(60L * c.credentialMinutes()).getEpochSecond() + ":" + peerId;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("urls", List.of(c.turnUrls()));
            t.put("username", username);
            t.put("credential", credential(c.turnSecret(), username));
            out.add(t);
        }
        return out;
    }

    static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
