package org.telehub.security;

import java.time.Instant;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Visit-scoped identities: a guest or an interpreter of one visit, who has no account, holds a bearer token
 * ({@value #PREFIX}…) that the hub resolves into an {@link AuthenticatedUser} whose only role is the visit kind scoped
 * to the encounter ({@code guest:<encounterId>}, {@code interpreter:<encounterId>}) and whose username is
 * {@code visit:<participantId>}. Such a caller reaches only routes marked {@link VisitScoped} (everything else is
 * 403), and the domain service of such a route decides what of the visit it shows. Accounts can never hold a visit
 * kind ({@link Roles#valid}), so the role alone tells a visit identity from an account.
 *
 * <p>Issued and revoked in the caller's transaction: an identity exists exactly when the redeem or join that gave
 * it committed. It ends at its expiry (the visit's end plus grace), when revoked by its source (an invitation) or
 * for the whole visit (cancelled, missed or finished).
 *
 * @since 1.4
 */
@ProviderType
public interface VisitIdentities {
    /** How a visit identity's token starts (the hub's own tokens have other prefixes, an identity provider's dots). */
    String PREFIX = "thv_";

    /** A fresh identity: the token (shown once, only its hash is kept) and when it expires. */
    record Issued(String token, Instant expiresAt) {
    }

    /** What a visit identity is: which visit, as which participant, of which kind. */
    record Visit(String encounterId, String participantId, String kind) {
    }

    /**
     * Issues an identity in {@code tx}.
     *
     * @param kind {@link Roles#GUEST} or {@link Roles#INTERPRETER}
     * @param source what gave it, e.g. {@code invitation:<id>} or {@code code}, for {@link #revokeSource}
     */
    Issued issue(Handle tx, String encounterId, String participantId, String kind, String displayName,
            String source, Instant expiresAt);

    /** Revokes every identity {@code source} gave; the number revoked. */
    int revokeSource(Handle tx, String source);

    /** Revokes every identity of the visit (cancelled, missed, finished); the number revoked. */
    int revokeVisit(Handle tx, String encounterId);

    /** The visit moved: its identities still valid now end at {@code expiresAt} (its new end plus grace). */
    int moveVisit(Handle tx, String encounterId, Instant expiresAt);

    /** The visit of a caller if it is a visit identity, else empty. */
    static Optional<Visit> visitOf(AuthenticatedUser user) {
        if (user == null || !user.username().startsWith("visit:") || user.roles().size() != 1) {
            return Optional.empty();
        }
        String role = user.roles().iterator().next();
        String kind = Roles.base(role);
        if (!Roles.VISIT_KINDS.contains(kind) || role.length() <= kind.length() + 1) {
            return Optional.empty();
        }
        return Optional.of(new Visit(role.substring(kind.length() + 1), user.username().substring(6), kind));
    }
}
