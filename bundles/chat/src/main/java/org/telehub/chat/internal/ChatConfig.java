package org.telehub.chat.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub chat", description = "Conversations of visits (issue 17).")
public @interface ChatConfig {
    @AttributeDefinition(name = "Read-only after (hours)", description = "Hours after a visit ended (completed, "
            + "cancelled or missed) from which its conversation takes no new messages; it stays readable",
            min = "0", max = "87600")
    int readOnlyAfterHours() default 168;

    @AttributeDefinition(name = "Longest message (characters)", min = "1", max = "100000")
    int maxTextLength() default 4000;
}
