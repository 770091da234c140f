package org.telehub.testing.fhir;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warnings and errors only from Spring, Hibernate, Jetty and HAPI: their INFO output at start is thousands of
 * lines. Applied before the first logger exists; a {@code -D} given on the command line wins.
 */
final class QuietLogging {

    private QuietLogging() {
    }

    static void apply() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        // a harmless notice about HAPI's own configuration at every start
        setIfAbsent("org.slf4j.simpleLogger.log.org.springframework.context.support"
                + ".PostProcessorRegistrationDelegate$BeanPostProcessorChecker",
                "error");
        setIfAbsent("org.jboss.logging.provider", "slf4j");
        Logger.getLogger("").setLevel(Level.WARNING);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
