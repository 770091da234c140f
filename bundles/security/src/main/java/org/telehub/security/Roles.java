package org.telehub.security;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** The roles of Telehub, as used in {@code @RolesAllowed}. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String DOCTOR = "doctor";
    public static final String NURSE = "nurse";
    public static final String PATIENT = "patient";

    /** Every role there is. */
    public static final SortedSet<String> ALL = java.util.Collections.unmodifiableSortedSet(
            new TreeSet<>(Set.of(ADMIN, DOCTOR, NURSE, PATIENT)));

    private Roles() {
    }
}
