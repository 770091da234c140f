package org.telehub.chat.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub chat", description = "Conversations of visits and their files (issue 17).")
public @interface ChatConfig {
    @AttributeDefinition(name = "Read-only after (hours)", description = "Hours after a visit ended (completed, "
            + "cancelled or missed) from which its conversation takes no new messages; it stays readable",
            min = "0", max = "87600")
    int readOnlyAfterHours() default 168;

    @AttributeDefinition(name = "Longest message (characters)", min = "1", max = "100000")
    int maxTextLength() default 4000;

    @AttributeDefinition(name = "Largest file (MiB)", description = "Uploads over this are refused (413) before "
            + "anything is kept; the REST layer's upload limit (org.telehub.rest maxUploadBytes) applies as well",
            min = "1", max = "4096")
    int maxFileMegabytes() default 25;

    @AttributeDefinition(name = "Allowed file types", description = "Media types, detected from the content, that "
            + "may be posted; a type ending in /* allows its family (image/*)")
    String[] allowedTypes() default {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
        "image/heif", "application/pdf", "application/dicom", "text/plain",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"};

    @AttributeDefinition(name = "Download link lifetime (seconds)", min = "10", max = "3600")
    int linkSeconds() default 300;

    @AttributeDefinition(name = "Unread notice after", description = "An ISO-8601 duration such as PT15M: a visit's "
            + "patient and doctor who leave messages unread this long are told by email or SMS (the enabled "
            + "notification channels), once per new unread message; PT0S: never")
    String unreadNoticeAfter() default "PT15M";

    @AttributeDefinition(name = "Language of notices", description = "en, fa or ru")
    String noticeLanguage() default "en";

    @AttributeDefinition(name = "Changeable for (minutes)", description = "How long after sending its sender may "
            + "edit or retract a message (what it said before is kept for the record); 0: never", min = "0",
            max = "525600")
    int editMinutes() default 1440;
}
