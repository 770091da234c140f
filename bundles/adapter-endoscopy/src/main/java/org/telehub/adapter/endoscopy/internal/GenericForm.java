package org.telehub.adapter.endoscopy.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.MetaTypeProvider;
import org.telehub.endoscopy.EndoscopyForm;
import org.telehub.endoscopy.EndoscopyProfile;

/** The web console's form of the generic profile's systems. */
@Component(service = MetaTypeProvider.class, property = "metatype.factory.pid=org.telehub.adapter.endoscopy")
public class GenericForm extends EndoscopyForm {
    public GenericForm() {
        super(EndoscopyProfile.GENERIC, "Telehub endoscopy system (generic)", "One endoscopy system (or the "
                + "endoscopy information system / RIS that schedules it) on the DICOM standards: its procedures from "
                + "a Modality Worklist, its performed steps and images at the hub's SCPs. Vendor profiles are "
                + "bundles of their own.");
    }
}
