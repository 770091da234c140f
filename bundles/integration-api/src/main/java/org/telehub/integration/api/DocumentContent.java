package org.telehub.integration.api;

/**
 * A document's content as the system sent it. Since 1.11.
 *
 * @param contentType its media type, e.g. {@code application/pdf}; {@code application/octet-stream} when unknown
 * @param bytes the content
 */
public record DocumentContent(String contentType, byte[] bytes) {
}
