package org.telehub.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JAX-RS resource method a visit identity ({@link VisitIdentities}) may call; every other authenticated
 * route refuses one with 403 before the resource runs. The method's service still decides what of the visit the
 * identity sees (its own visit only, never another).
 *
 * @since 1.4
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
public @interface VisitScoped {
}
