package org.telehub.chat.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;

/** The chat tables ({@code db/migration/chat}), migrated once before any other chat component uses them. */
@Component(service = ChatSchema.class)
public class ChatSchema {
    private final Jdbi jdbi;

    @Activate
    public ChatSchema(@Reference Database database) {
        database.migrate("chat", FrameworkUtil.getBundle(ChatSchema.class), "db/migration/chat");
        this.jdbi = database.jdbi();
    }

    ChatSchema(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
