package org.telehub.chat.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.files.FileStore;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

/**
 * Deletes a resumable upload when it expires ({@code ChatFiles.UPLOAD_HOURS} after it started, planned then): its row
 * and its pieces' stored files, finished or not (a finished one's attachment stays). A piece whose file cannot be
 * deleted is logged, not retried: its row is gone, nothing refers to it.
 */
@Component(service = WorkHandler.class, property = {WorkHandler.TOPIC + "=" + ChatFilesImpl.UPLOAD_EXPIRY_TOPIC,
    WorkHandler.MAX_ATTEMPTS + ":Integer=10"})
public class UploadExpiry implements WorkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UploadExpiry.class);
    private final ChatSchema db;
    private final FileStore files;

    @Activate
    public UploadExpiry(@Reference ChatSchema db, @Reference FileStore files) {
        this.db = db;
        this.files = files;
    }

    @Override
    public Verdict handle(WorkItem item) {
        for (String f : db.jdbi().inTransaction(h -> UploadStore.delete(h, item.payload()))) {
            try {
                files.delete(f);
            } catch (IOException | RuntimeException e) {
                LOG.warn("A piece of an expired upload could not be deleted ({}): {}", f, e.toString());
            }
        }
        return Verdict.done();
    }
}
