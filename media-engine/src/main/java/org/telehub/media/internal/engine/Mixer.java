package org.telehub.media.internal.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mixes what each peer sends into one 48 kHz mono 16-bit stream, in 10 ms frames, on the wall clock: a frame is
 * written for every 10 ms that passed, with silence for a peer that sent nothing (a muted microphone, a network
 * gap), so the recording's length is the call's. A peer that runs ahead of the clock by more than half a second
 * loses its oldest audio rather than delay everyone's.
 */
final class Mixer {
    static final int RATE = 48_000;
    static final int FRAME = RATE / 100;
    private static final int MAX_QUEUED = 50 * FRAME;

    private final Map<String, ArrayDeque<Short>> queues = new ConcurrentHashMap<>();
    private long written;
    private int peak;

    /** 16-bit little-endian PCM from a peer's track, any rate and channel count. */
    void add(String peer, byte[] data, int bits, int rate, int channels, int frames) {
        if (bits != 16 || rate <= 0 || channels <= 0) {
            return;
        }
        ArrayDeque<Short> q = queues.computeIfAbsent(peer, p -> new ArrayDeque<>());
        int outFrames = (int) ((long) frames * RATE / rate);
        synchronized (q) {
            for (int i = 0; i < outFrames; i++) {
                int src = (int) ((long) i * rate / RATE); // nearest sample: the mix is for listening, not analysis
                int sum = 0;
                for (int c = 0; c < channels; c++) {
                    int at = 2 * (src * channels + c);
                    if (at + 1 < data.length) {
                        sum += (short) ((data[at] & 0xff) | (data[at + 1] << 8));
                    }
                }
                q.addLast((short) (sum / channels));
            }
            while (q.size() > MAX_QUEUED) {
                q.pollFirst();
            }
        }
    }

    void remove(String peer) {
        queues.remove(peer);
    }

    /** Writes the frames due {@code elapsedNanos} after the start. */
    void writeUntil(OutputStream out, long elapsedNanos) throws IOException {
        long due = elapsedNanos / 10_000_000L;
        if (written >= due) {
            return;
        }
        byte[] buf = new byte[(int) (due - written) * FRAME * 2];
        int at = 0;
        for (; written < due; written++) {
            for (int i = 0; i < FRAME; i++) {
                int sum = 0;
                for (ArrayDeque<Short> q : queues.values()) {
                    synchronized (q) {
                        Short s = q.pollFirst();
                        if (s != null) {
                            sum += s;
                        }
                    }
                }
                int v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
                peak = Math.max(peak, Math.abs(v));
                buf[at++] = (byte) v;
                buf[at++] = (byte) (v >> 8);
            }
        }
        out.write(buf, 0, at);
        out.flush();
    }

    /** The loudest sample mixed so far. */
    int peak() {
        return peak;
    }
}
