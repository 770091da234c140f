package org.telehub.testing.dicom;

import java.util.Objects;

/**
 * A DICOM application entity as another peer knows it: its AE title and where it listens.
 *
 * @param aet  AE title (1–16 characters, no backslash)
 * @param host host name or IP address; {@code 127.0.0.1} for everything in this package
 * @param port TCP port (a placeholder such as 104 for an SCU that never listens)
 */
public record Remote(String aet, String host, int port) {

    public Remote {
        Objects.requireNonNull(host, "host");
        aet = Dcmtk.checkAet(aet);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** An AE on 127.0.0.1. */
    public static Remote loopback(String aet, int port) {
        return new Remote(aet, "127.0.0.1", port);
    }
}
