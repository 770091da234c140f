package org.telehub.video.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;

/** The video tables ({@code db/migration/video}), migrated once before any other video component uses them. */
@Component(service = VideoSchema.class)
public class VideoSchema {
    private final Jdbi jdbi;

    @Activate
    public VideoSchema(@Reference Database database) {
        database.migrate("video", FrameworkUtil.getBundle(VideoSchema.class), "db/migration/video");
        this.jdbi = database.jdbi();
    }

    VideoSchema(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
