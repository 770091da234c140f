package org.telehub.directory.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub directory", description = "The clinic directory: doctors' next free slots and"
        + " notices to patients who follow a doctor (issue 19).")
public @interface DirectoryConfig {
    @AttributeDefinition(name = "Public base URL", description = "Where people reach the web UI; a notice links to"
            + " <base>/find?doctor=<id>")
    String publicBaseUrl() default "https://localhost:8443";

    @AttributeDefinition(name = "Notice language", description = "Language of notices to followers: en, fa or ru")
    String noticeLanguage() default "en";

    @AttributeDefinition(name = "Hours between notices", description = "A follower is told of a doctor's freed slots"
            + " at most once in this many hours")
    int followNoticeHours() default 12;

    @AttributeDefinition(name = "Next free slot renewed after (minutes)", description = "Besides encounter events, a"
            + " sweep renews each doctor's next free slot this often and whenever it has passed (working hours"
            + " changed, a slot's time went by)")
    int nextSlotRefreshMinutes() default 15;
}
