package org.telehub.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub sign-in through OpenID Connect", description = "Access tokens of an external "
        + "identity provider accepted as bearer tokens, linked to Telehub accounts; and the browser's sign-in through "
        + "it (authorization code with PKCE, run by the hub) while clientId is set. Off while issuer is empty.")
public @interface OidcConfig {
    @AttributeDefinition(name = "Issuer", description = "The provider's issuer URL exactly as in its tokens' iss, "
            + "e.g. https://login.clinic.example/realms/clinic; empty: off", required = false)
    String issuer() default "";

    @AttributeDefinition(name = "Audience", description = "A token is accepted only if its aud names this (the "
            + "provider adds it for the clients that may call Telehub)")
    String audience() default "telehub";

    @AttributeDefinition(name = "JWKS URL", description = "The provider's public keys; empty: jwks_uri of the "
            + "issuer's /.well-known/openid-configuration", required = false)
    String jwksUrl() default "";

    @AttributeDefinition(name = "Account link claim", description = "The claim whose value is the Telehub username "
            + "of the person, e.g. preferred_username or email. A token whose value names no enabled Telehub "
            + "account is refused.")
    String linkClaim() default "preferred_username";

    @AttributeDefinition(name = "Roles claim", description = "Where the provider puts the person's roles, a path "
            + "through nested claims, e.g. realm_access.roles (Keycloak) or groups")
    String rolesClaim() default "realm_access.roles";

    @AttributeDefinition(name = "Role mapping", description = "provider-role=telehub-role entries, e.g. "
            + "clinic-doctors=doctor, north-admins=clinic-admin:north. Empty: the provider only authenticates and "
            + "the linked account's own roles apply. Set: the provider decides the roles at every request (the "
            + "account's stored roles are not used).", required = false)
    String[] roleMapping() default {};

    @AttributeDefinition(name = "Client id (browser sign-in)", description = "The client the hub is at the provider "
            + "for the browser's sign-in (authorization code with PKCE; its redirect URI is <publicOrigin>/api/v1/"
            + "auth/oidc/callback); it may equal the audience. The ID token's aud must name it. Empty: the browser "
            + "sign-in is off (404), the provider's access tokens are still accepted.", required = false)
    String clientId() default "";

    @AttributeDefinition(name = "Client secret", description = "For a confidential client only, as a placeholder "
            + "($[secret:oidc-client-secret]); sent to the token endpoint by HTTP Basic. Empty: a public client "
            + "(PKCE only).", type = AttributeType.PASSWORD, required = false)
    String clientSecret() default "";

    @AttributeDefinition(name = "Sign-in button", description = "What the web app's sign-in page calls the "
            + "identity provider's button, e.g. \"Sign in with the clinic account\". Empty: a generic label in the "
            + "reader's language.", required = false)
    String loginLabel() default "";

    @AttributeDefinition(name = "Scopes", description = "Asked for at the browser's sign-in, space-separated; "
            + "openid is always added")
    String scopes() default "openid profile email";

    @AttributeDefinition(name = "Clock skew (s)", description = "Tolerance for exp, nbf and iat", min = "0",
            max = "300")
    int clockSkewSeconds() default 60;
}
