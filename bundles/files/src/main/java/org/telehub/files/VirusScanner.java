package org.telehub.files;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Scans content for malware before anyone may download it (ClamAV's {@code clamd} in this hub). A scanner that cannot
 * answer says so with {@link Unavailable}; callers keep the content quarantined until a later scan answers, never
 * serving it unscanned.
 */
@ProviderType
public interface VirusScanner {

    /** Scans {@code content} to its end (not closed). */
    Result scan(InputStream content) throws Unavailable;

    /**
     * @param clean no signature matched
     * @param signature the matching signature's name when not clean, e.g. {@code Eicar-Signature}
     * @param engine what scanned, e.g. {@code ClamAV 1.4.6/27000}
     */
    record Result(boolean clean, String signature, String engine) {
    }

    /** The scanner could not scan: not reachable, timed out, or refused the content (its own limits). */
    class Unavailable extends IOException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
