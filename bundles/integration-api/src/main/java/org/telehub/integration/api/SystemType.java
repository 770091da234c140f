package org.telehub.integration.api;

/** The kind of clinical system an adapter connects. */
public enum SystemType {
    PACS, ENDOSCOPY, EHR, OTHER
}
