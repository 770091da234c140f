package org.telehub.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub REST API", description = "Limits of the /api/v1 application.")
@interface RestConfig {
    @AttributeDefinition(name = "Maximum request body (bytes)", description = "Larger JSON bodies are refused with"
            + " 413 before they are read. File uploads have their own limits.", min = "1024")
    long maxBodyBytes() default 1_048_576L;

    @AttributeDefinition(name = "Largest upload (bytes)", description = "Largest file upload (multipart, DICOM, "
            + "PDF, image bodies); larger ones get 413", min = "1024")
    long maxUploadBytes() default 268_435_456L;
}
