package org.telehub.dicom.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/** Reading what arrived: a received file's attributes and the checks every value from a peer needs. */
public final class DicomFiles {
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    private DicomFiles() {
    }

    /** A Part 10 file's attributes up to its pixel data (a video's frames are not read). */
    public static AttributeList head(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (InputStream in = Files.newInputStream(file);
                DicomInputStream din = new DicomInputStream(new BufferedInputStream(in))) {
            list.read(din, TagFromName.PixelData);
        }
        return list;
    }

    /** An attribute's value, trimmed; empty when absent. */
    public static String s(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    /** A DICOM UID: digits and dots, at most 64 characters (PS3.5 9.1); anything else never reaches a path or query. */
    public static boolean isUid(String value) {
        return value != null && !value.isEmpty() && value.length() <= 64 && UID.matcher(value).matches();
    }
}
