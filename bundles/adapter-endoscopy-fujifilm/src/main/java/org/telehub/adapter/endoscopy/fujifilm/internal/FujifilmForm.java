package org.telehub.adapter.endoscopy.fujifilm.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.MetaTypeProvider;
import org.telehub.endoscopy.EndoscopyForm;

/**
 * The web console's form of this profile's systems: every setting with the profile's default. (It names the
 * interface its superclass implements so that this bundle imports the Metatype API the service is registered
 * under.)
 */
@Component(service = MetaTypeProvider.class,
        property = "metatype.factory.pid=org.telehub.adapter.endoscopy.fujifilm")
public class FujifilmForm extends EndoscopyForm implements MetaTypeProvider {
    public FujifilmForm() {
        super(FujifilmEndoscopy.PROFILE, "Telehub endoscopy system (Fujifilm)", "One Fujifilm ELUXEO system: the shared "
                + "endoscopy adapter with this vendor's defaults, each with its source in the bundle's README.");
    }
}
