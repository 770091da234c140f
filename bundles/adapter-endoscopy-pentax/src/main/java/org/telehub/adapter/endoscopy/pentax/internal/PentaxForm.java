package org.telehub.adapter.endoscopy.pentax.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.MetaTypeProvider;
import org.telehub.endoscopy.EndoscopyForm;

/**
 * The web console's form of this profile's systems: every setting with the profile's default. (It names the
 * interface its superclass implements so that this bundle imports the Metatype API the service is registered
 * under.)
 */
@Component(service = MetaTypeProvider.class,
        property = "metatype.factory.pid=org.telehub.adapter.endoscopy.pentax")
public class PentaxForm extends EndoscopyForm implements MetaTypeProvider {
    public PentaxForm() {
        super(PentaxEndoscopy.PROFILE, "Telehub endoscopy system (PENTAX Medical)", "One PENTAX Medical IMAGINA and INSPIRA system: the shared "
                + "endoscopy adapter with this vendor's defaults, each with its source in the bundle's README.");
    }
}
