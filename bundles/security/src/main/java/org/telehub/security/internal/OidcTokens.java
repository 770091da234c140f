package org.telehub.security.internal;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.security.Roles;

/**
 * Access tokens of an external OpenID Connect provider (Keycloak, Entra ID, …) accepted as bearer tokens. The JOSE
 * work is nimbus-jose-jwt's (embedded privately): the signature by the provider's JWKS (fetched from its discovery
 * document, cached, fetched again for an unknown key id, so the provider can rotate keys), asymmetric algorithms
 * only (no {@code none}, no HMAC with a public key as secret), {@code typ} JWT or at+jwt, {@code iss} exactly the
 * configured issuer, {@code aud} naming Telehub, {@code exp}, {@code iat} and {@code sub} present and in time.
 *
 * <p>A verified token is linked to a Telehub account by a configured claim (the account must exist and be
 * enabled: the provider authenticates people, it does not create Telehub's records of them). Roles come from the
 * provider through a mapping, or, without one, from the account. The account lookup is cached with the hub's
 * tokens ({@link TokenCache}), so disabling an account applies within that cache's seconds; a provider's token
 * cannot be revoked here before its {@code exp} otherwise (keep them short-lived at the provider).
 *
 * <p>The browser's sign-in through the same provider ({@link OidcLogin}, while {@code clientId} is set) uses the
 * discovered endpoints ({@link #provider}), {@link #verifyIdToken} and the same linking and role mapping
 * ({@link #link}).
 */
@Component(service = OidcTokens.class, configurationPid = "org.telehub.security.oidc")
@Designate(ocd = OidcConfig.class)
public class OidcTokens {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    /** Connect and read timeouts and the size limit of a JWKS or discovery document fetch. */
    private static final int TIMEOUT_MILLIS = 3000;
    private static final int SIZE_LIMIT = 256 * 1024;

    private final String issuer;
    private final String audience;
    private final String jwksUrl;
    private final String linkClaim;
    private final List<String> rolesPath;
    private final Map<String, Set<String>> roleMapping;
    private final int clockSkewSeconds;
    private final String clientId;
    private final String loginLabel;
    private final String clientSecret;
    private final String scopes;
    /** Built on first use, not at activation: the provider may be down when the hub starts. */
    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile Provider provider;
    static final java.time.Duration RETRY_DISCOVERY = java.time.Duration.ofSeconds(30);
    private String discoveryFailure;
    private long discoveryFailedAt;

    @Activate
    public OidcTokens(OidcConfig config) {
        this.issuer = config.issuer().trim();
        this.audience = config.audience().trim();
        this.jwksUrl = config.jwksUrl().trim();
        this.linkClaim = config.linkClaim().trim();
        this.rolesPath = List.of(config.rolesClaim().trim().split("\\."));
        this.roleMapping = mapping(config.roleMapping());
        this.clockSkewSeconds = config.clockSkewSeconds();
        this.clientId = config.clientId().trim();
        this.loginLabel = config.loginLabel() == null ? "" : config.loginLabel().trim();
        this.clientSecret = config.clientSecret();
        Set<String> asked = new java.util.LinkedHashSet<>(List.of("openid"));
        for (String scope : config.scopes().trim().split("\\s+")) {
            if (!scope.isEmpty()) {
                asked.add(scope);
            }
        }
        this.scopes = String.join(" ", asked);
        if (!issuer.isEmpty()) {
            try {
                URI.create(issuer).toURL();
            } catch (IllegalArgumentException | MalformedURLException e) {
                throw new IllegalArgumentException("issuer: not a URL: " + issuer, e);
            }
        }
    }

    /** provider-role=telehub-role entries (one comma-separated string from a .cfg file, a list from the console). */
    static Map<String, Set<String>> mapping(String[] entries) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String e : String.join(",", entries).split(",")) {
            if (e.isBlank()) {
                continue;
            }
            int eq = e.indexOf('=');
            String role = eq < 0 ? "" : e.substring(eq + 1).trim();
            if (eq <= 0 || !Roles.valid(role)) {
                throw new IllegalArgumentException("roleMapping: '" + e.trim() + "' is not provider-role=telehub-role "
                        + "with a Telehub role of " + Roles.ALL + " (clinic-admin:<clinic> for a clinic)");
            }
            out.computeIfAbsent(e.substring(0, eq).trim(), k -> new TreeSet<>()).add(role);
        }
        return out;
    }

    boolean enabled() {
        return !issuer.isEmpty();
    }

    /** Whether a bearer token is shaped as a JWS (three Base64url parts), not a token of the hub's own. */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * Checks a provider's token and links it to an account.
     *
     * @param accounts the enabled-or-not account of a username
     */
    UserStore.TokenCheck check(String token, Function<String, Optional<UserAccount>> accounts) {
        if (!enabled()) {
            return new UserStore.TokenCheck.Invalid("sign-in through an identity provider is not configured");
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(SignedJWT.parse(token), null);
        } catch (ParseException e) {
            return new UserStore.TokenCheck.Invalid("not a well-formed signed token");
        } catch (BadJOSEException e) {
            return new UserStore.TokenCheck.Invalid("the identity provider's token was refused: " + e.getMessage());
        } catch (JOSEException | IOException e) {
            return new UserStore.TokenCheck.Invalid("the identity provider's keys could not be read to check the "
                    + "token: " + e.getMessage());
        }
        Linked linked = link(claims, accounts);
        if (linked.refusal() != null) {
            return new UserStore.TokenCheck.Invalid(linked.refusal());
        }
        Instant exp = claims.getExpirationTime().toInstant();
        return new UserStore.TokenCheck.Valid(linked.user(), exp, UserStore.Kind.BEARER, null, exp, true);
    }

    /**
     * The person a verified token of the provider (an access token, or the ID token of a browser sign-in) stands
     * for: the account named by {@code linkClaim}, which must exist and be enabled, with the roles the mapping gives
     * (without a mapping the account's own).
     *
     * @param name        the link claim's value (null if the token has none), for the audit
     * @param user        the account with the roles of this sign-in; null if refused
     * @param mappedRoles the roles the mapping gave; null without a mapping (the account's own apply)
     * @param refusal     why no account is linked; null if one is
     */
    record Linked(String name, UserAccount user, Set<String> mappedRoles, String refusal) {
    }

    /** The shared mapping of access tokens and ID tokens to accounts and roles. */
    Linked link(JWTClaimsSet claims, Function<String, Optional<UserAccount>> accounts) {
        Object link = claims.getClaim(linkClaim);
        if (!(link instanceof String name) || name.isBlank()) {
            return new Linked(null, null, null, "the token has no " + linkClaim + " to link it to an account");
        }
        Optional<UserAccount> account = name.length() <= 64 ? accounts.apply(name.toLowerCase(Locale.ROOT))
                : Optional.empty();
        if (account.isEmpty() || !account.get().enabled()) {
            return new Linked(name, null, null, "no enabled Telehub account is linked to this sign-in");
        }
        UserAccount a = account.get();
        Set<String> mapped = roleMapping.isEmpty() ? null : mapped(claims);
        Set<String> roles = mapped == null ? a.roles() : mapped;
        if (roles.isEmpty()) {
            return new Linked(name, null, null, "the identity provider grants this person no Telehub role");
        }
        return new Linked(name, new UserAccount(a.id(), a.username(), a.displayName(), roles, true, a.createdAt(),
                null), mapped, null);
    }

    /** The Telehub roles the provider's roles map to. */
    Set<String> mapped(JWTClaimsSet claims) {
        Object at = claims.getClaims();
        for (String step : rolesPath) {
            at = at instanceof Map<?, ?> m ? m.get(step) : null;
        }
        Collection<?> theirs = at instanceof Collection<?> c ? c : at instanceof String s ? List.of(s) : List.of();
        Set<String> out = new TreeSet<>();
        for (Object r : theirs) {
            out.addAll(roleMapping.getOrDefault(String.valueOf(r), Set.of()));
        }
        return out;
    }

    /** The processor of access tokens, made on first use. */
    private DefaultJWTProcessor<SecurityContext> processor() throws IOException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (processor == null) {
                JWKSource<SecurityContext> source = provider().keys();
                DefaultJWTProcessor<SecurityContext> made = new DefaultJWTProcessor<>();
                made.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                        new JOSEObjectType("at+jwt"), null));
                made.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, source));
                DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                        new HashSet<>(Set.of(audience)), new JWTClaimsSet.Builder().issuer(issuer).build(),
                        new HashSet<>(List.of("exp", "iat", "sub")), null);
                claims.setMaxClockSkew(clockSkewSeconds);
                made.setJWTClaimsSetVerifier(claims);
                processor = made;
            }
            return processor;
        }
    }

    /**
     * Where the provider is: its keys (a JWKS source that caches them and fetches them again for an unknown key id),
     * and for the browser's sign-in its authorization and token endpoints (null when only access tokens are
     * checked against a configured {@code jwksUrl}: then the discovery document is not read).
     */
    record Provider(JWKSource<SecurityContext> keys, String authorizationEndpoint, String tokenEndpoint) {
    }

    /**
     * The provider, discovered on first use. A failed discovery is remembered for {@link #RETRY_DISCOVERY}: while
     * the provider is down, a flood of token-shaped requests or sign-ins must not each wait for its timeout (nor
     * hit the provider).
     */
    Provider provider() throws IOException {
        Provider p = provider;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (provider == null) {
                long now = System.nanoTime();
                if (discoveryFailure != null && now - discoveryFailedAt < RETRY_DISCOVERY.toNanos()) {
                    throw new IOException(discoveryFailure + " (tried again after " + RETRY_DISCOVERY.toSeconds()
                            + " s)");
                }
                DefaultResourceRetriever http = new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS,
                        SIZE_LIMIT);
                Map<String, Object> doc;
                try {
                    doc = jwksUrl.isEmpty() || loginEnabled() ? discover(http) : Map.of();
                } catch (IOException e) {
                    discoveryFailure = e.getMessage();
                    discoveryFailedAt = now;
                    throw e;
                }
                discoveryFailure = null;
                URL keys = URI.create(jwksUrl.isEmpty() ? (String) doc.get("jwks_uri") : jwksUrl).toURL();
                JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(keys, http)
                        .retrying(true).build();
                provider = new Provider(source, (String) doc.get("authorization_endpoint"),
                        (String) doc.get("token_endpoint"));
            }
            return provider;
        }
    }

    /** The issuer's discovery document, whose issuer must be the configured one, with the endpoints used. */
    private Map<String, Object> discover(DefaultResourceRetriever http) throws IOException {
        String url = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            Resource doc = http.retrieveResource(URI.create(url).toURL());
            Map<String, Object> json = JSONObjectUtils.parse(doc.getContent());
            if (!issuer.equals(json.get("issuer"))) {
                throw new IOException("the discovery document at " + url + " names issuer " + json.get("issuer")
                        + ", not " + issuer);
            }
            List<String> needed = new java.util.ArrayList<>(List.of("jwks_uri"));
            if (loginEnabled()) {
                needed.addAll(List.of("authorization_endpoint", "token_endpoint"));
            }
            for (String key : needed) {
                if (!(json.get(key) instanceof String s) || !s.startsWith("https://") && !s.startsWith("http://")) {
                    throw new IOException("the discovery document at " + url + " has no " + key);
                }
            }
            return json;
        } catch (ParseException e) {
            throw new IOException("the discovery document at " + url + " is not JSON", e);
        }
    }

    /** Whether the browser's sign-in (authorization code with PKCE) is configured: an issuer and a client id. */
    boolean loginEnabled() {
        return enabled() && !clientId.isEmpty();
    }

    String clientId() {
        return clientId;
    }

    /** The configured name of the sign-in button; empty for the app's own words. */
    String loginLabel() {
        return loginLabel;
    }

    /** The client secret of a confidential client; empty for a public one. Never logged. */
    String clientSecret() {
        return clientSecret;
    }

    /** The scopes asked for at sign-in, space-separated, {@code openid} first. */
    String scopes() {
        return scopes;
    }

    /**
     * Verifies the ID token of a browser sign-in: signature by the provider's keys (the algorithms of access
     * tokens), {@code typ} JWT or none, {@code iss} exactly the issuer, {@code aud} naming the client id (and
     * {@code azp} the client id when it names others too), {@code exp}, {@code iat}, {@code sub} present and in
     * time, and {@code nonce} exactly the one this sign-in sent.
     *
     * @throws BadJOSEException naming what is wrong
     */
    JWTClaimsSet verifyIdToken(String idToken, String nonce) throws ParseException, BadJOSEException,
            JOSEException, IOException {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, provider().keys()));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(clientId)), new JWTClaimsSet.Builder().issuer(issuer).claim("nonce", nonce)
                        .build(), new HashSet<>(List.of("exp", "iat", "sub", "nonce")), null);
        claims.setMaxClockSkew(clockSkewSeconds);
        p.setJWTClaimsSetVerifier(claims);
        JWTClaimsSet verified = p.process(SignedJWT.parse(idToken), null);
        if (verified.getAudience().size() > 1 && !clientId.equals(verified.getClaim("azp"))) {
            throw new BadJOSEException("the ID token names other audiences and its azp is not " + clientId);
        }
        return verified;
    }

    /** For the problem detail of a misconfiguration: the issuer without secrets (it has none). */
    @Override
    public String toString() {
        return enabled() ? "OpenID Connect tokens of " + issuer : "OpenID Connect off";
    }
}
