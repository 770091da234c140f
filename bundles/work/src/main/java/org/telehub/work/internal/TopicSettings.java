package org.telehub.work.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** One {@code org.telehub.work.topic} factory configuration, registered for the work service to pick up. */
@Component(service = TopicSettings.class, configurationPid = "org.telehub.work.topic",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TopicConfig.class, factory = true)
public class TopicSettings {
    final TopicConfig config;

    @Activate
    public TopicSettings(TopicConfig config) {
        if (config.topic() == null || !WorkEngine.TOPIC.matcher(config.topic()).matches()) {
            throw new IllegalArgumentException("org.telehub.work.topic: topic must be 1 to 100 of [A-Za-z0-9._-]");
        }
        this.config = config;
    }
}
