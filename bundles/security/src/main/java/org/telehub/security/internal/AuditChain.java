package org.telehub.security.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The hash chain over {@code audit_event}: how rows are encoded, how a batch is sealed, and how the chain is
 * verified. No state: {@link AuditTrail} schedules it and keeps the seal file.
 *
 * <p>A seal covers an explicit list of sequence numbers, not a range: a transaction may take its number before a
 * seal runs and commit after it. The sealer notes every number missing below the highest it sealed as a hole
 * ({@code audit_hole}); a row that appears in a hole is sealed by the next seal, out of order but exactly once, and
 * a hole older than the window is forgotten as a rollback. Verification needs no holes: it checks that every seal
 * follows its predecessor, that its rows exist and hash to it, that no row is in two seals, and that every row up
 * to the highest sealed one is in a seal (or is a straggler still waiting in a hole).
 */
final class AuditChain {
    static final String GENESIS = "0".repeat(64);
    /** Key of the transaction-scoped advisory lock that lets one node seal at a time. */
    static final long SEAL_LOCK = 0x7e1e_a0d1L;
    private static final String ROW = "SELECT id, at, actor_id, actor, action, patient_id, systems, outcome"
            + " FROM audit_event";

    private AuditChain() {
    }

    /** One audit row as sealed. */
    record Row(long seq, Instant at, long actorId, String actor, String action, String patientId, String systems,
            String outcome) {
        static Row map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Row(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8));
        }

        /**
         * The canonical bytes of the row: fixed-width numbers, the time in microseconds (PostgreSQL's precision),
         * each text as its UTF-8 length and bytes (-1 for null), so no two different rows encode alike.
         */
        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(seq);
                out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, at));
                out.writeLong(actorId);
                for (String s : new String[] {actor, action, patientId, systems, outcome}) {
                    if (s == null) {
                        out.writeInt(-1);
                    } else {
                        byte[] b = s.getBytes(StandardCharsets.UTF_8);
                        out.writeInt(b.length);
                        out.write(b);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** A seal as stored (its rows' sequence numbers in ascending order). */
    record Seal(long id, Instant sealedAt, long highSeq, long[] seqs, String prevHash, String hash) {
        static Seal map(ResultSet rs, StatementContext ctx) throws SQLException {
            Array a = rs.getArray(4);
            Object[] boxed = (Object[]) a.getArray();
            long[] seqs = new long[boxed.length];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = ((Number) boxed[i]).longValue();
            }
            return new Seal(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3), seqs, rs.getString(5),
                    rs.getString(6));
        }
    }

    /** SHA-256(previous hash || each row's encoding, in sequence order), hex. */
    static String hash(String prevHash, List<Row> rows) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(HexFormat.of().parseHex(prevHash));
            for (Row r : rows) {
                d.update(r.encode());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<Seal> newest(Handle h) {
        return h.createQuery("SELECT id, sealed_at, high_seq, seqs, prev_hash, hash FROM audit_seal"
                + " ORDER BY id DESC LIMIT 1").map(Seal::map).findFirst();
    }

    /** Why the sealer will not extend a chain whose newest seals were deleted (it would bury the evidence). */
    static final class Diverged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Diverged(String message) {
            super(message);
        }
    }

    /**
     * Seals up to {@code batch} unsealed rows, in the caller's transaction (one node at a time: the advisory lock
     * is held to its end). Empty when another node holds the lock or nothing waits.
     *
     * @param stamp the newest seal this node wrote to its file, or null; the database must still hold it
     * @throws Diverged if the seal in the file is gone or differs: the newest seals were deleted or changed
     */
    static Optional<Seal> seal(Handle h, int batch, Duration holeWindow, SealFile.Stamp stamp) {
        if (!h.createQuery("SELECT pg_try_advisory_xact_lock(" + SEAL_LOCK + ")").mapTo(Boolean.class).one()) {
            return Optional.empty();
        }
        if (stamp != null) {
            Optional<String> held = h.createQuery("SELECT hash FROM audit_seal WHERE id = :id")
                    .bind("id", stamp.sealId()).mapTo(String.class).findFirst();
            if (held.isEmpty() || !held.get().equals(stamp.hash())) {
                throw new Diverged("seal " + stamp.sealId() + " of the seal file is " + (held.isEmpty()
                        ? "missing from the database" : "different in the database") + ": not sealing further");
            }
        }
        Optional<Seal> last = newest(h);
        long high = last.map(Seal::highSeq).orElse(0L);
        Instant now = Instant.now();
        h.createUpdate("DELETE FROM audit_hole WHERE opened_at < :limit")
                .bind("limit", Timestamp.from(now.minus(holeWindow))).execute();
        List<Row> late = h.createQuery(ROW + " WHERE id IN (SELECT seq FROM audit_hole) ORDER BY id LIMIT :n")
                .bind("n", batch).map(Row::map).list();
        List<Row> fresh = h.createQuery(ROW + " WHERE id > :high ORDER BY id LIMIT :n").bind("high", high)
                .bind("n", Math.max(1, batch - late.size())).map(Row::map).list();
        if (late.isEmpty() && fresh.isEmpty()) {
            return Optional.empty();
        }
        List<Long> holes = new ArrayList<>();
        long expected = high + 1;
        for (Row r : fresh) {
            for (long s = expected; s < r.seq() && holes.size() < 100_000; s++) {
                holes.add(s);
            }
            expected = r.seq() + 1;
        }
        if (!holes.isEmpty()) {
            h.createUpdate("INSERT INTO audit_hole (seq, opened_at) SELECT unnest(:seqs), :at ON CONFLICT DO NOTHING")
                    .bind("seqs", holes.toArray(new Long[0])).bind("at", Timestamp.from(now)).execute();
        }
        if (!late.isEmpty()) {
            h.createUpdate("DELETE FROM audit_hole WHERE seq = ANY(:seqs)")
                    .bind("seqs", late.stream().map(Row::seq).toArray(Long[]::new)).execute();
        }
        List<Row> rows = new ArrayList<>(late);
        rows.addAll(fresh);
        rows.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        String prev = last.map(Seal::hash).orElse(GENESIS);
        String hash = hash(prev, rows);
        long newHigh = fresh.isEmpty() ? high : fresh.get(fresh.size() - 1).seq();
        Long[] seqs = rows.stream().map(Row::seq).toArray(Long[]::new);
        long id = h.createUpdate("INSERT INTO audit_seal (sealed_at, first_seq, last_seq, high_seq, row_count, seqs,"
                + " prev_hash, hash) VALUES (:at, :first, :last, :high, :n, :seqs, :prev, :hash)")
                .bind("at", Timestamp.from(now)).bind("first", seqs[0]).bind("last", seqs[seqs.length - 1])
                .bind("high", newHigh).bind("n", seqs.length).bind("seqs", seqs).bind("prev", prev)
                .bind("hash", hash).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return Optional.of(new Seal(id, now, newHigh, rows.stream().mapToLong(Row::seq).toArray(), prev, hash));
    }

    /** The outcome of a verification: OK, or the first broken link. */
    record Verdict(boolean ok, long seals, long rows, Long sealId, Long seq, String problem, String warning) {
        Verdict warn(String more) {
            return new Verdict(ok, seals, rows, sealId, seq, problem, warning == null ? more : warning + "; " + more);
        }

        static Verdict broken(long seals, long rows, Long sealId, Long seq, String problem) {
            return new Verdict(false, seals, rows, sealId, seq, problem, null);
        }

        @Override
        public String toString() {
            return (ok ? "OK: " + seals + " seals over " + rows + " rows" : "BROKEN" + (sealId == null ? ""
                    : " at seal " + sealId) + (seq == null ? "" : ", seq " + seq) + ": " + problem)
                    + (warning == null ? "" : " (warning: " + warning + ")");
        }
    }

    /**
     * Walks the whole chain, oldest first, and compares its newest seal with {@code stamp} (the seal file), so
     * deleting the newest rows together with their seals is found too.
     */
    static Verdict verify(Handle h, SealFile.Stamp stamp, int page) {
        if (h.createQuery("SELECT to_regclass('public.audit_event') IS NULL OR to_regclass('public.audit_seal') IS NULL")
                .mapTo(Boolean.class).one()) {
            return Verdict.broken(0, 0, stamp == null ? null : stamp.sealId(), null, "the audit tables were dropped");
        }
        String prev = GENESIS;
        long prevId = 0;
        long seals = 0;
        long rows = 0;
        long high = 0;
        Seqs covered = new Seqs();
        String stampSeen = null;
        while (true) {
            List<Seal> chunk = h.createQuery("SELECT id, sealed_at, high_seq, seqs, prev_hash, hash FROM audit_seal"
                    + " WHERE id > :after ORDER BY id LIMIT :n").bind("after", prevId).bind("n", page)
                    .map(Seal::map).list();
            if (chunk.isEmpty()) {
                break;
            }
            for (Seal s : chunk) {
                if (!s.prevHash().equals(prev)) {
                    return Verdict.broken(seals, rows, s.id(), null, seals == 0
                            ? "the oldest seal does not start the chain: older seals were deleted"
                            : "does not follow seal " + prevId + ": a seal between them was deleted or changed");
                }
                List<Row> held = h.createQuery(ROW + " WHERE id = ANY(:seqs) ORDER BY id")
                        .bind("seqs", java.util.Arrays.stream(s.seqs()).boxed().toArray(Long[]::new))
                        .map(Row::map).list();
                if (held.size() != s.seqs().length) {
                    Set<Long> present = new HashSet<>();
                    held.forEach(r -> present.add(r.seq()));
                    long missing = java.util.Arrays.stream(s.seqs()).filter(q -> !present.contains(q)).findFirst()
                            .orElse(-1);
                    return Verdict.broken(seals, rows, s.id(), missing, "row " + missing
                            + " of this seal is missing: it was deleted");
                }
                if (!hash(prev, held).equals(s.hash())) {
                    return Verdict.broken(seals, rows, s.id(), s.seqs()[0], "its rows (seq " + s.seqs()[0] + " to "
                            + s.seqs()[s.seqs().length - 1] + ") do not hash to the seal: a row was changed");
                }
                for (long q : s.seqs()) {
                    if (!covered.add(q)) {
                        return Verdict.broken(seals, rows, s.id(), q, "row " + q + " is in two seals");
                    }
                }
                if (stamp != null && s.id() == stamp.sealId()) {
                    stampSeen = s.hash();
                }
                prev = s.hash();
                prevId = s.id();
                high = Math.max(high, s.highSeq());
                seals++;
                rows += s.seqs().length;
            }
        }
        if (stamp != null) {
            if (stampSeen == null) {
                return Verdict.broken(seals, rows, stamp.sealId(), stamp.highSeq(), "the seal file names seal "
                        + stamp.sealId() + " (up to seq " + stamp.highSeq() + "), which the database no longer holds"
                        + (stamp.sealId() > prevId ? " (its newest is " + prevId + "): the newest rows and their"
                                + " seals were deleted" : ""));
            }
            if (!stampSeen.equals(stamp.hash())) {
                return Verdict.broken(seals, rows, stamp.sealId(), null, "differs from the seal file: the seals"
                        + " were rewritten");
            }
        }
        Set<Long> waiting = new HashSet<>(h.createQuery("SELECT seq FROM audit_hole").mapTo(Long.class).list());
        Optional<Long> unsealed = h.createQuery("SELECT id FROM audit_event WHERE id <= :high ORDER BY id")
                .bind("high", high).mapTo(Long.class)
                .withStream(st -> st.filter(q -> !covered.contains(q) && !waiting.contains(q)).findFirst());
        if (unsealed.isPresent()) {
            long q = unsealed.get();
            return Verdict.broken(seals, rows, null, q, "row " + q + " is in no seal: it was written behind the"
                    + " sealer's back or changed its sequence number");
        }
        return new Verdict(true, seals, rows, null, null, null, stamp == null
                ? "no seal file on this node: deleting the newest rows with their seals would not be detected here"
                : null);
    }

    /** A set of sequence numbers in about one bit each (a million rows: 125 kB), for the whole chain at once. */
    static final class Seqs {
        private final Map<Long, BitSet> blocks = new HashMap<>();

        /** False if {@code q} was in already. */
        boolean add(long q) {
            BitSet b = blocks.computeIfAbsent(q >>> 24, k -> new BitSet());
            int bit = (int) (q & 0xFF_FFFF);
            if (b.get(bit)) {
                return false;
            }
            b.set(bit);
            return true;
        }

        boolean contains(long q) {
            BitSet b = blocks.get(q >>> 24);
            return b != null && b.get((int) (q & 0xFF_FFFF));
        }
    }
}
