package org.telehub.fhir;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.FrameworkUtil;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.SystemType;

/**
 * What every EHR adapter's configuration turns into the same way: its identity, list values, URLs and the
 * OAuth client it authenticates as. Each method throws {@link IllegalArgumentException} naming the field.
 *
 * @since 1.1
 */
public final class FhirAdapters {
    private FhirAdapters() {
    }

    /** The adapter's identity; {@code id}: 1-64 letters, digits, '.', '_' or '-'. */
    public static AdapterInfo info(String id, String vendor, String product, Class<?> adapterClass) {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("id: 1-64 letters, digits, '.', '_' or '-' (got '" + id + "')");
        }
        var bundle = FrameworkUtil.getBundle(adapterClass);
        return new AdapterInfo(id, SystemType.EHR, vendor, product,
                bundle == null ? "dev" : bundle.getVersion().toString());
    }

    /** Config Admin gives arrays from {@code etc/*.cfg} as one comma- or space-separated string: split them. */
    public static List<String> list(String[] raw) {
        return raw == null ? List.of() : Arrays.stream(raw).flatMap(s -> Arrays.stream(s.split("[,\\s]+")))
                .filter(s -> !s.isBlank()).toList();
    }

    /** The value trimmed, or null when blank (an optional setting left empty). */
    public static String optional(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A required http(s) URL. */
    public static URI url(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": not a URL (" + e.getMessage() + ")");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(field + ": an http(s) URL (got '" + value + "')");
        }
        return uri;
    }

    /**
     * An OAuth 2 client-credentials client authenticating with a secret ({@code CLIENT_SECRET}) or a signed
     * assertion ({@code PRIVATE_KEY_JWT}, SMART Backend Services).
     */
    public static FhirAuth oauthClient(String mode, String clientId, URI tokenUrl, String secret, String privateKey,
            String keyId, String algorithm, List<String> scopes, Duration timeout) {
        return switch (mode == null ? "" : mode.trim().toUpperCase(Locale.ROOT)) {
            case "CLIENT_SECRET" -> FhirAuths.clientSecret(clientId, tokenUrl, secret, scopes, timeout);
            case "PRIVATE_KEY_JWT" -> FhirAuths.smartBackendServices(clientId, tokenUrl, privateKey, keyId, algorithm,
                    scopes, timeout);
            default -> throw new IllegalArgumentException("authentication: CLIENT_SECRET or PRIVATE_KEY_JWT (got '"
                    + mode + "')");
        };
    }
}
