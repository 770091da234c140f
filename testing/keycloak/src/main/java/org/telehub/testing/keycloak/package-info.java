/**
 * A real Keycloak on 127.0.0.1 as the authorization server of SMART Backend Services tests, and the keys and JWTs
 * of its clients.
 *
 * <ul>
 *   <li>{@link org.telehub.testing.keycloak.Keycloak}: Keycloak (Quarkus distribution) with the realm
 *       {@code telehub-test}, one {@code private_key_jwt} client per
 *       {@link org.telehub.testing.keycloak.Keycloak.Client} with its public JWKS inline, its signature algorithm
 *       and its SMART scopes</li>
 *   <li>{@link org.telehub.testing.keycloak.TestKeys}: RSA (RS384) and P-384 (ES384) key pairs, PKCS#8 PEM, public
 *       JWKS, signed client assertions; the JDK only</li>
 * </ul>
 *
 * Keycloak comes from the local Maven repository ({@code org.keycloak:keycloak-quarkus-dist:zip}, a dependency of
 * this module), is unpacked once into {@code ~/.cache/telehub-keycloak/<version>} and stopped on {@code close()}
 * or, at the latest, when the JVM exits. See ../shared/notes/fhir-hl7.md, "SMART Backend Services".
 */
package org.telehub.testing.keycloak;
