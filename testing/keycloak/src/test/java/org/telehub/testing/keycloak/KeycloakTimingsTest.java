package org.telehub.testing.keycloak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long Keycloak takes to unpack, to start the first time (build for start-dev included), to start again with
 * the same work folder and in a new one, and how much memory it holds. Not part of the build; run alone, with an
 * empty cache:
 *
 * <pre>
 * mvn -f testing/keycloak/pom.xml test -Dtest=KeycloakTimingsTest -Dtelehub.keycloak.measure=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "telehub.keycloak.measure", matches = "true")
class KeycloakTimingsTest {

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        System.setProperty("telehub.keycloak.cache", dir.resolve("cache").toString());
        List<Keycloak.Client> clients = List.of(
                Keycloak.Client.of("rsa-client", TestKeys.rsa("rsa-1"), "system/Observation.write"));

        long t = System.nanoTime();
        Distribution.home();
        report("unpack", t, null);

        t = System.nanoTime();
        try (Keycloak kc = Keycloak.start(dir.resolve("a"), clients)) {
            report("first start (build for start-dev, schema, import)", t, kc);
            t = System.nanoTime();
        }
        report("stop", t, null);

        t = System.nanoTime();
        try (Keycloak kc = Keycloak.start(dir.resolve("a"), clients)) {
            report("restart, same work folder and clients (database reused)", t, kc);
        }

        t = System.nanoTime();
        try (Keycloak kc = Keycloak.start(dir.resolve("b"), clients)) {
            report("start in a new work folder (build from the cache, new database)", t, kc);
            assertTrue(kc.listening().stream().allMatch(a -> a.getAddress().isLoopbackAddress()));
        }
    }

    private static void report(String what, long since, Keycloak kc) {
        System.out.printf("%-70s %6.1f s%s%n", what, (System.nanoTime() - since) / 1e9,
                kc == null ? "" : String.format(", RSS %d MiB", kc.rssKiB() / 1024));
    }
}
