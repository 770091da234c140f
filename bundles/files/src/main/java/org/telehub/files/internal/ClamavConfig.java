package org.telehub.files.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub virus scanner (ClamAV)", description = "The clamd that scans every upload "
        + "before anyone may download it (INSTREAM over TCP). While it cannot be reached, uploads wait in quarantine "
        + "and are scanned when it answers again; nothing is served unscanned.")
@interface ClamavConfig {
    @AttributeDefinition(name = "Host", description = "clamd's TCPAddr")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "clamd's TCPSocket", min = "1", max = "65535")
    int port() default 3310;

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 2000;

    @AttributeDefinition(name = "Scan timeout (ms)", description = "Longest wait for clamd's answer to one file",
            min = "1000")
    int scanTimeoutMillis() default 120000;
}
