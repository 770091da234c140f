package org.telehub.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The clinic's clinicians as their colleagues see them: whom a clinician may write to directly. Only enabled
 * accounts holding a clinician role ({@link Roles#CLINICIANS}); their name and clinical roles, never their address.
 *
 * @since 1.5
 */
@ProviderType
public interface Colleagues {

    /** The colleague behind the enabled account {@code username} (case-insensitive); empty for anyone else. */
    Optional<Colleague> colleague(String username);

    /**
     * Colleagues whose username or display name starts with {@code prefix} (or has a word that does),
     * case-insensitively, by name; at most {@code limit} (up to 50). A prefix of fewer than 2 characters finds nobody.
     */
    List<Colleague> colleagues(String prefix, int limit);

    /** A clinician's account as a colleague sees it: its clinical roles only. */
    record Colleague(String username, String displayName, Set<String> roles) {
    }
}
