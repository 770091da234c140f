package org.telehub.security.internal;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.security.VisitIdentities;

/**
 * {@link VisitIdentities} in {@code visit_identity}: 256 random bits per token, only their SHA-256 stored. A check
 * reads the row every time (no cache: a revoked identity stops at once on every node; guests make few calls).
 */
@Component(service = {VisitIdentities.class, DbVisitIdentities.class})
public class DbVisitIdentities implements VisitIdentities {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Jdbi jdbi;
    private final Clock clock;

    /** Takes {@link Accounts} so the security schema ({@code visit_identity}) is migrated first. */
    @Activate
    public DbVisitIdentities(@Reference Database database, @Reference Accounts accounts) {
        this(new Over(database.jdbi(), Clock.systemUTC()));
    }

    /**
     * Over a given database and clock (tests). A factory rather than a second two-argument constructor: Felix SCR
     * inspects every constructor with the activation constructor's arity and logs an ERROR for the one it cannot use.
     */
    public static DbVisitIdentities over(Jdbi jdbi, Clock clock) {
        return new DbVisitIdentities(new Over(jdbi, clock));
    }

    private record Over(Jdbi jdbi, Clock clock) {
    }

    private DbVisitIdentities(Over over) {
        this.jdbi = over.jdbi();
        this.clock = over.clock();
    }

    @Override
    public Issued issue(Handle tx, String encounterId, String participantId, String kind, String displayName,
            String source, Instant expiresAt) {
        if (!Roles.VISIT_KINDS.contains(kind)) {
            throw new IllegalArgumentException("Not a visit kind: " + kind);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        tx.createUpdate("INSERT INTO visit_identity (token_hash, encounter_id, participant_id, kind, display_name,"
                + " source, issued_at, expires_at) VALUES (:h, :e, :p, :k, :n, :s, :now, :exp)")
                .bind("h", UserStore.digest(token)).bind("e", encounterId).bind("p", participantId).bind("k", kind)
                .bind("n", displayName).bind("s", source).bind("now", Timestamp.from(clock.instant()))
                .bind("exp", Timestamp.from(expiresAt)).execute();
        return new Issued(token, expiresAt);
    }

    @Override
    public int revokeSource(Handle tx, String source) {
        return tx.createUpdate("UPDATE visit_identity SET revoked_at = :now WHERE source = :s AND revoked_at IS NULL")
                .bind("now", Timestamp.from(clock.instant())).bind("s", source).execute();
    }

    @Override
    public int revokeVisit(Handle tx, String encounterId) {
        return tx.createUpdate("UPDATE visit_identity SET revoked_at = :now WHERE encounter_id = :e"
                + " AND revoked_at IS NULL").bind("now", Timestamp.from(clock.instant())).bind("e", encounterId)
                .execute();
    }

    @Override
    public int moveVisit(Handle tx, String encounterId, Instant expiresAt) {
        return tx.createUpdate("UPDATE visit_identity SET expires_at = :exp WHERE encounter_id = :e"
                + " AND revoked_at IS NULL AND expires_at > :now").bind("exp", Timestamp.from(expiresAt))
                .bind("e", encounterId).bind("now", Timestamp.from(clock.instant())).execute();
    }

    /** Whether a bearer token is of this kind (checked by {@link #check}, never as an account's token). */
    static boolean looksLikeVisitToken(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    /**
     * The caller a visit token stands for while it is neither expired nor revoked: username
     * {@code visit:<participantId>}, the one role {@code <kind>:<encounterId>}, id 0 (no account).
     */
    public Optional<AuthenticatedUser> check(String token) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("SELECT encounter_id, participant_id, kind, display_name"
                + " FROM visit_identity WHERE token_hash = :h AND revoked_at IS NULL AND expires_at > :now")
                .bind("h", UserStore.digest(token)).bind("now", Timestamp.from(now))
                .map((rs, ctx) -> new AuthenticatedUser(0, "visit:" + rs.getString(2), rs.getString(4),
                        Set.of(rs.getString(3) + ":" + rs.getString(1))))
                .findOne());
    }
}
