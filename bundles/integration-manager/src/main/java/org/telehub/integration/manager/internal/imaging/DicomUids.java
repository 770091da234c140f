package org.telehub.integration.manager.internal.imaging;

import java.util.regex.Pattern;

/** The one check of a DICOM UID from outside (a request, a system's message) before it is used for anything. */
final class DicomUids {
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    private DicomUids() {
    }

    /** Digits and dots, no empty component, at most 64 characters (PS3.5 9.1). */
    static boolean isUid(String value) {
        return value != null && value.length() <= 64 && UID.matcher(value).matches();
    }
}
