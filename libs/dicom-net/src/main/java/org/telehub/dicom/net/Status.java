package org.telehub.dicom.net;

/** DIMSE status codes (PS3.7 annex C and PS3.4 annexes B, C) in words. */
public final class Status {
    public static final int SUCCESS = 0x0000;
    public static final int CANCEL = 0xFE00;

    private Status() {
    }

    public static boolean pending(int s) {
        return s == 0xFF00 || s == 0xFF01;
    }

    public static boolean warning(int s) {
        return s == 0x0001 || (s & 0xF000) == 0xB000;
    }

    public static boolean success(int s) {
        return s == SUCCESS || warning(s);
    }

    public static String describe(int s) {
        String text;
        if (s == 0x0000) {
            text = "success";
        } else if (warning(s)) {
            text = switch (s) {
                case 0xB000 -> "warning: some sub-operations failed, or coercion of data elements";
                case 0xB006 -> "warning: elements discarded";
                case 0xB007 -> "warning: data set does not match SOP class";
                default -> "warning";
            };
        } else if (s == 0x0122) {
            text = "SOP class not supported";
        } else if (s == 0x0124) {
            text = "not authorized";
        } else if (s == 0x0111) {
            text = "duplicate SOP instance";
        } else if (s == 0x0211) {
            text = "unrecognized operation";
        } else if (s == 0xA801) {
            text = "move destination unknown";
        } else if (s == 0xA701 || s == 0xA702) {
            text = "refused: out of resources";
        } else if ((s & 0xFF00) == 0xA700) {
            text = "refused: out of resources";
        } else if ((s & 0xFF00) == 0xA900) {
            text = "data set does not match SOP class";
        } else if ((s & 0xF000) == 0xC000) {
            text = "cannot understand / unable to process";
        } else if (s == CANCEL) {
            text = "cancelled";
        } else {
            text = "failure";
        }
        return String.format("status 0x%04X (%s)", s, text);
    }
}
