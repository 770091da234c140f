package org.telehub.dicom.net;

import java.io.File;
import java.util.UUID;

import com.pixelmed.dicom.StoredFilePathStrategy;

/**
 * Where PixelMed's storage SCP and C-GET client put a received instance: a random name in the receiving folder.
 * PixelMed's own strategies name the file after the SOP Instance UID of the peer's C-STORE request, so a "UID"
 * such as {@code ../../files.key} wrote over (and let us then delete) any file the hub can write. PixelMed writes
 * each instance to a temporary file in the folder and then renames it to what this returns; the UID it passes in
 * is never looked at here.
 */
public final class ReceivedFileNames extends StoredFilePathStrategy {
    public static final ReceivedFileNames RANDOM = new ReceivedFileNames();

    private ReceivedFileNames() {
    }

    @Override
    public String makeStoredFilePath(String ignoredPeerUid) {
        return "rx-" + UUID.randomUUID() + ".dcm";
    }

    @Override
    public File makeStoredFilePath(File folder, String ignoredPeerUid) {
        return new File(folder, makeStoredFilePath(ignoredPeerUid));
    }

    @Override
    public File makeAlternativeStoredFilePath(File folder, String ignoredSubfolder, String ignoredPeerUid) {
        return makeStoredFilePath(folder, ignoredPeerUid);
    }

    @Override
    public File makeReliableStoredFilePathWithFoldersCreated(File folder, String ignoredSubfolder,
            String ignoredPeerUid) {
        return makeStoredFilePath(folder, ignoredPeerUid);
    }

    @Override
    public File makeReliableStoredFilePathWithFoldersCreated(File folder, String ignoredPeerUid) {
        return makeStoredFilePath(folder, ignoredPeerUid);
    }
}
