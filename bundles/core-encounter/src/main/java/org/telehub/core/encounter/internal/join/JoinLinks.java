package org.telehub.core.encounter.internal.join;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.JoinTokens;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.Sql;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.EncounterStore;
import org.telehub.core.encounter.internal.encounter.Lifecycle;
import org.telehub.files.SecretBox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Join links of video and audio encounters: {@code <base>/join/<room>?token=<token>}. A token is
 * {@code v1.<payload>.<mac>}: Base64url JSON (encounter, room, role, subject, expiry) and its HMAC-SHA256 under a
 * 256-bit key generated once and kept in the database, so every node issues and checks the same tokens; kept sealed
 * with the hub's master key ({@link SecretBox}), so the database alone cannot forge a link. Tokens expire at the
 * scheduled end plus a grace period; one of a cancelled, missed or finished visit no longer works.
 */
@Component(service = {JoinLinks.class, JoinTokens.class}, configurationPid = "org.telehub.encounter")
public class JoinLinks implements JoinTokens {
    static final String MODERATOR = "moderator";
    static final String PATIENT = "patient";
    static final String PARTICIPANT = "participant";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** Where the key is kept, bound to its sealed form. */
    public static final String KEY_CONTEXT = "encounter_key.key_value:join";
    private static final Logger LOG = LoggerFactory.getLogger(JoinLinks.class);

    /** Where a visit's access code is kept sealed, bound to the visit: {@code <context>:<encounter id>}. */
    static final String CODE_CONTEXT = "encounter_access_code.code_sealed";
    /** The purpose of the keyed hash that finds a visit by its access code. */
    static final String CODE_PURPOSE = "access-code";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EncounterDb db;
    private final SecretBox box;
    private final byte[] key;
    private final long graceSeconds;
    private final String base;

    @Activate
    public JoinLinks(@Reference EncounterDb db, @Reference SecretBox box, EncounterConfig config) {
        this(db, box, config.joinGraceMinutes(), config.publicBaseUrl());
    }

    public JoinLinks(EncounterDb db, SecretBox box, int graceMinutes, String base) {
        this.db = db;
        this.box = box;
        this.key = loadKey(db, box);
        this.graceSeconds = graceMinutes * 60L;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * The key, created sealed at the first start; a key still plain (kept so before issue 14) is sealed in place by
     * a compare-and-set update, so links issued before keep working, and of nodes starting at once one seals it.
     * (A plain key found at start cannot be told from one of the version before: ARCHITECTURE.md, Security.)
     */
    private static byte[] loadKey(EncounterDb db, SecretBox box) {
        Optional<String> k = db.jdbi().withHandle(h -> key(h));
        if (k.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO encounter_key (name, key_value, created_at) VALUES ('join', :v, :t)")
                        .bind("v", box.seal(Base64.getEncoder().encodeToString(fresh), KEY_CONTEXT))
                        .bind("t", Sql.ts(Instant.now())).execute());
            } catch (UnableToExecuteStatementException e) {
                // another node created it first: use theirs
            }
            k = db.jdbi().withHandle(h -> key(h));
        }
        String stored = k.orElseThrow();
        if (!box.isSealed(stored)) {
            String plain = stored;
            int sealed = db.jdbi().withHandle(h -> h.createUpdate("UPDATE encounter_key SET key_value = :sealed"
                    + " WHERE name = 'join' AND key_value = :plain").bind("sealed", box.seal(plain, KEY_CONTEXT))
                    .bind("plain", plain).execute());
            LOG.info(sealed == 1 ? "The join-link key was sealed with the master key"
                    : "The join-link key was sealed by another node");
            stored = db.jdbi().withHandle(h -> key(h)).orElseThrow();
        }
        return Base64.getDecoder().decode(box.open(stored, KEY_CONTEXT));
    }

    private static Optional<String> key(Handle h) {
        return h.createQuery("SELECT key_value FROM encounter_key WHERE name = 'join'").mapTo(String.class).findOne();
    }

    /** Links for everyone of a video or audio encounter: role or participant id → URL; empty for other types. */
    public Map<String, String> links(Encounter e, String doctorName, String patientName) {
        Map<String, String> out = new LinkedHashMap<>();
        if (e.roomId() == null) {
            return out;
        }
        out.put("doctor", link(e, MODERATOR, e.doctorId(), doctorName));
        out.put("patient", link(e, PATIENT, e.patientId(), patientName));
        for (Participant p : e.participants()) {
            out.put(p.id(), link(e, PARTICIPANT, p.id(), p.displayName()));
        }
        return out;
    }

    String link(Encounter e, String role, String subject, String name) {
        return base + "/join/" + e.roomId() + "?token=" + token(e, role, subject, name);
    }

    String token(Encounter e, String role, String subject, String name) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("e", e.id());
        claims.put("room", e.roomId());
        claims.put("r", role);
        claims.put("sub", subject);
        claims.put("name", name);
        claims.put("exp", e.scheduledEnd().getEpochSecond() + graceSeconds);
        try {
            String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
            return "v1." + payload + "." + B64.encodeToString(mac(payload));
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException(e1);
        }
    }

    @Override
    public Grant verify(String token) throws InvalidJoinToken {
        return verify(token, Instant.now());
    }

    public Grant verify(String token, Instant now) throws InvalidJoinToken {
        if (token == null || token.isBlank()) {
            throw new InvalidJoinToken("no token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            throw new InvalidJoinToken("malformed token");
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidJoinToken("malformed token");
        }
        if (!MessageDigest.isEqual(mac(parts[1]), given)) {
            throw new InvalidJoinToken("bad signature: the link was altered or not issued by this hub");
        }
        JsonNode c;
        try {
            c = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new InvalidJoinToken("malformed token");
        }
        Instant exp = Instant.ofEpochSecond(c.path("exp").asLong());
        if (!now.isBefore(exp)) {
            throw new InvalidJoinToken("expired at " + exp);
        }
        String encounterId = c.path("e").asText();
        Encounter e = db.jdbi().withHandle(h -> EncounterStore.encounter(h, encounterId))
                .orElseThrow(() -> new InvalidJoinToken("the visit no longer exists"));
        if (!Lifecycle.holdsTime(e.status()) || e.status().equals(EncounterService.COMPLETED)) {
            throw new InvalidJoinToken("the visit is " + e.status().replace('_', ' '));
        }
        if (!c.path("room").asText().equals(e.roomId())) {
            throw new InvalidJoinToken("the visit has another room now");
        }
        if (c.path("r").asText().equals(PARTICIPANT)
                && e.participants().stream().noneMatch(p -> p.id().equals(c.path("sub").asText()))) {
            throw new InvalidJoinToken("the invitation was withdrawn");
        }
        return new Grant(encounterId, e.roomId(), c.path("r").asText(), c.path("sub").asText(),
                c.path("name").asText(null), exp);
    }

    /** Where people reach the web UI (no trailing slash). */
    public String base() {
        return base;
    }

    /** The join-link grace: links and visit identities end this long after the scheduled end. */
    public java.time.Duration grace() {
        return java.time.Duration.ofSeconds(graceSeconds);
    }

    /**
     * The visit's access code (9 digits: read out over the phone, typed on one), made if it has none: kept as a
     * keyed hash, unique across visits, to find the visit, and sealed to show who runs the visit and to put in
     * invitations. The caller books the visit or holds its row lock.
     */
    public String accessCode(Handle h, String encounterId, Instant now) {
        Optional<String> made = accessCodeOf(h, encounterId);
        if (made.isPresent()) {
            return made.get();
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            String code = String.format("%09d", RANDOM.nextInt(1_000_000_000));
            int n = h.createUpdate("INSERT INTO encounter_access_code (encounter_id, code_hash, code_sealed,"
                    + " created_at) VALUES (:e, :h, :s, :t) ON CONFLICT (code_hash) DO NOTHING").bind("e", encounterId)
                    .bind("h", keyedHash(CODE_PURPOSE, code)).bind("s", box.seal(code, CODE_CONTEXT + ":" + encounterId))
                    .bind("t", Sql.ts(now)).execute();
            if (n == 1) {
                return code;
            }
        }
        throw new IllegalStateException("No free access code after 10 attempts");
    }

    /** The visit's access code, if it has one (visits booked before issue 15 get theirs at the first invitation). */
    public Optional<String> accessCodeOf(Handle h, String encounterId) {
        return h.createQuery("SELECT code_sealed FROM encounter_access_code WHERE encounter_id = :e")
                .bind("e", encounterId).mapTo(String.class).findOne()
                .map(sealed -> box.open(sealed, CODE_CONTEXT + ":" + encounterId));
    }

    public Optional<String> accessCodeOf(String encounterId) {
        return db.jdbi().withHandle(h -> accessCodeOf(h, encounterId));
    }

    /** The visit an access code (9 digits) opens, whatever its state. */
    public Optional<String> visitByCode(Handle h, String code) {
        return h.createQuery("SELECT encounter_id FROM encounter_access_code WHERE code_hash = :h")
                .bind("h", keyedHash(CODE_PURPOSE, code)).mapTo(String.class).findOne();
    }

    /**
     * A keyed hash (hex HMAC-SHA256 under this key) of {@code purpose} and {@code value}: for short secrets such as
     * access codes, which a plain hash would not protect (10^9 codes are hashed in seconds).
     */
    private String keyedHash(String purpose, String value) {
        return java.util.HexFormat.of().formatHex(mac(purpose + ":" + value));
    }

    private byte[] mac(String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
