package org.telehub.files.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub file store", description = "Where stored files live and the key that "
        + "encrypts them. Several hub nodes must share both (a shared directory, the same key file).")
@interface FilesConfig {
    @AttributeDefinition(name = "Directory", description = "Folder of the encrypted files; empty for "
            + "${karaf.data}/telehub/files", required = false)
    String directory() default "";

    @AttributeDefinition(name = "Key file", description = "File holding the 256-bit master key (Base64); created "
            + "with a random key, readable by the hub's user only, if missing while no file is stored (with files "
            + "stored, a missing key stops the store: restore it from the backup). Empty for "
            + "${karaf.data}/telehub/files.key. Back it up: files cannot be read without it.", required = false)
    String keyFile() default "";
}
