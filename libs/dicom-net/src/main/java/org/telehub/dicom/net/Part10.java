package org.telehub.dicom.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/** Checks of DICOM Part 10 files before anything is sent. */
public final class Part10 {

    /** A file and what its meta header says, or why it is not usable. */
    public record Checked(Path file, String sopClass, String sopInstance, String transferSyntax, String error) {
    }

    private Part10() {
    }

    /** Reads only the meta header: enough to negotiate an association. */
    public static Checked meta(Path file) {
        AttributeList meta = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!in.haveMetaHeader()) {
                return new Checked(file, null, null, null, "not a DICOM Part 10 file (no DICM preamble)");
            }
            meta.readOnlyMetaInformationHeader(in);
        } catch (IOException | DicomException | RuntimeException e) {
            return new Checked(file, null, null, null, "not a DICOM Part 10 file (unreadable meta header: "
                    + DimseClient.message(e) + ")");
        }
        String sopClass = DicomFiles.s(meta, TagFromName.MediaStorageSOPClassUID);
        String sopInstance = DicomFiles.s(meta, TagFromName.MediaStorageSOPInstanceUID);
        String ts = DicomFiles.s(meta, TagFromName.TransferSyntaxUID);
        if (sopClass.isEmpty() || sopInstance.isEmpty() || ts.isEmpty()) {
            return new Checked(file, null, null, null,
                    "the meta header lacks the SOP class, SOP instance or transfer syntax UID");
        }
        return new Checked(file, sopClass, sopInstance, ts, null);
    }

    /**
     * Reads the whole file into {@code list}; returns why it is damaged, or null. PixelMed logs and swallows a
     * data set that ends early (it returns what it could read), so the bytes consumed are compared with the
     * file's size.
     */
    public static String readWhole(Path file, AttributeList list) {
        // PixelMed decompresses JPEG pixel data as it reads by default; what is sent must be the file as it is
        list.setDecompressPixelData(false);
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long read = list.read(in);
            long size = Files.size(file);
            if (read != size) {
                return "truncated or corrupt DICOM data set: it ends after " + read + " of " + size + " bytes";
            }
            return null;
        } catch (IOException | DicomException | RuntimeException e) {
            return "unreadable DICOM data set (truncated or corrupt): " + DimseClient.message(e);
        }
    }

    /** Reads the whole file: a truncated or corrupt data set is reported here, before anything is sent. */
    public static Checked check(Path file) {
        Checked c = meta(file);
        if (c.error() != null) {
            return c;
        }
        AttributeList list = new AttributeList();
        String damaged = readWhole(file, list);
        if (damaged != null) {
            return new Checked(file, c.sopClass(), c.sopInstance(), c.transferSyntax(), damaged);
        }
        if (!c.sopInstance().equals(DicomFiles.s(list, TagFromName.SOPInstanceUID))) {
            return new Checked(file, c.sopClass(), c.sopInstance(), c.transferSyntax(),
                    "the meta header and the data set name different SOP instance UIDs");
        }
        return c;
    }
}
