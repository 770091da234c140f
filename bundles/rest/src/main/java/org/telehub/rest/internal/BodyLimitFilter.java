package org.telehub.rest.internal;

import java.io.InputStream;

import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.HttpHeaders;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.rest.LimitedInputStream;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;

/**
 * Refuses request bodies over the configured size with 413: at once when Content-Length says so, and while reading
 * when a chunked body grows past it, so an oversized body is never buffered and never half-applied.
 */
@Component(service = ContainerRequestFilter.class, configurationPid = "org.telehub.rest")
@Designate(ocd = RestConfig.class)
@JaxrsExtension
@JaxrsName("telehub.body-limit")
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimitFilter implements ContainerRequestFilter {
    private volatile long jsonLimit;
    private volatile long uploadLimit;

    @Activate
    @Modified
    void configure(RestConfig config) {
        this.jsonLimit = config.maxBodyBytes();
        this.uploadLimit = config.maxUploadBytes();
    }

    /**
     * File uploads (multipart, raw {@code application/octet-stream}, DICOM, PDF, images) have their own, larger limit;
     * everything else is JSON's.
     */
    static boolean isUpload(javax.ws.rs.core.MediaType type) {
        return type != null && (type.getType().equals("multipart") || type.getSubtype().equals("dicom")
                || type.getType().equals("image") || type.getSubtype().equals("pdf")
                || type.getSubtype().equals("octet-stream"));
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        long limit = isUpload(ctx.getMediaType()) ? uploadLimit : jsonLimit;
        String declared = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                long length = Long.parseLong(declared.trim());
                if (length > limit) {
                    throw new ProblemException(413, "Payload Too Large", "Content-Length " + length
                            + " exceeds the limit of " + limit + " bytes", null, java.util.Map.of("limit", limit));
                }
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("Content-Length", "Content-Length '" + declared + "' is not a number");
            }
        }
        if (ctx.hasEntity()) {
            ctx.setEntityStream(new Limited(ctx.getEntityStream(), limit));
        }
    }

    static ProblemException tooLarge(long limit) {
        return new ProblemException(413, "Payload Too Large",
                "The request body exceeds the limit of " + limit + " bytes", null, java.util.Map.of("limit", limit));
    }

    /** Fails the request with 413 the moment the limit is passed. */
    static final class Limited extends LimitedInputStream {
        Limited(InputStream in, long limit) {
            super(in, limit);
        }

        @Override
        protected void exceeded(long limit) {
            throw tooLarge(limit);
        }
    }
}
