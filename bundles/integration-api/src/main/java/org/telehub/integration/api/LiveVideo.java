package org.telehub.integration.api;

import java.util.regex.Pattern;

/**
 * Where a system's live picture can be read (e.g. an endoscopy video processor's output through a streaming box or a
 * capture card): an RTSP URL ({@code rtsp://host[:port]/path}, H.264 over RTP; no user name or password: the tools
 * that read it print their input in their errors) or a V4L2 capture device ({@code /dev/videoN}) on the hub's
 * machine, and the size (even, 16-3840 × 16-2160) and rate (1-60 frames/s) it is shown at. The clinic's
 * configuration: never shown to users. Since 1.9.
 *
 * @throws IllegalArgumentException naming what is wrong
 */
public record LiveVideo(String url, int width, int height, int fps) {
    private static final Pattern URL = Pattern.compile(
            "rtsp://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~/%&=?+-]*)?|/dev/video[0-9]{1,2}");

    public LiveVideo {
        if (url == null || !URL.matcher(url).matches()) {
            throw new IllegalArgumentException("url: rtsp://host[:port]/path (no user or password) or a V4L2 device"
                    + " /dev/videoN (got '" + (url == null ? "" : url.replaceAll("//[^/@]*@", "//…@")) + "')");
        }
        if (width < 16 || height < 16 || width > 3840 || height > 2160 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("size: even numbers, 16-3840 x 16-2160 (got " + width + "x" + height
                    + ")");
        }
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps: 1-60 (got " + fps + ")");
        }
    }
}
