package org.telehub.security.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route a user whose role requires a second factor may call before they have set one up: enrolment itself,
 * their own account, logging out. Every other route answers 403 ({@code secondFactor: enrol}) until then.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface BeforeSecondFactor {
}
