package org.telehub.core.encounter;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/** Checks the signed, expiring tokens of join links (the media bundle admits people to rooms with them). */
@ProviderType
public interface JoinTokens {

    /**
     * @return what the token grants
     * @throws InvalidJoinToken naming the reason: malformed, bad signature, expired, or the encounter is over
     */
    Grant verify(String token) throws InvalidJoinToken;

    /**
     * What a join token grants.
     *
     * @param encounterId the encounter
     * @param roomId the video room
     * @param role {@code moderator} (the doctor), {@code patient} or {@code participant}
     * @param subject the doctor, patient or participant id
     * @param displayName how to show them in the room
     * @param expiresAt when the token stops working (scheduled end + grace)
     */
    record Grant(String encounterId, String roomId, String role, String subject, String displayName,
            Instant expiresAt) {
    }

    /** A token that grants nothing, with the reason. */
    class InvalidJoinToken extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidJoinToken(String reason) {
            super(reason);
        }
    }
}
