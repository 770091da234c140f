package org.telehub.media.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub media engine", description = "The server's WebRTC peer (recording), run as a "
        + "child process of the hub and restarted when it dies.")
public @interface MediaConfig {
    @AttributeDefinition(name = "Enabled", description = "Run the engine; off: recording answers 503")
    boolean enabled() default true;

    @AttributeDefinition(name = "Java", description = "The java command for the engine's process; empty: the hub's own",
            required = false)
    String java() default "";

    @AttributeDefinition(name = "ffmpeg", description = "The ffmpeg command that encodes recordings (Debian's ffmpeg "
            + "package, with libopus)")
    String ffmpeg() default "ffmpeg";

    @AttributeDefinition(name = "Loopback only", description = "Let WebRTC use 127.0.0.1, which it leaves out by "
            + "default: for a machine (or test) whose browsers reach the hub only on loopback, with no TURN relay")
    boolean loopbackOnly() default false;

    @AttributeDefinition(name = "Engine heap (MB)", min = "64", max = "4096")
    int heapMegabytes() default 192;

    @AttributeDefinition(name = "Recording bitrate (kbit/s)", description = "Opus; 32 keeps speech clear", min = "8",
            max = "256")
    int bitrateKbps() default 32;
}
