package org.telehub.reporting.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub reports", description = "Clinical reports (issue 20): the letterhead, the"
        + " formulary rule, signing and the patient's notice.")
public @interface ReportsConfig {
    @AttributeDefinition(name = "Clinic name", description = "The letterhead's name when the visit is at no clinic of"
            + " the directory (a visit at one prints that clinic's name, address and contacts)")
    String clinicName() default "Telehub clinic";

    @AttributeDefinition(name = "Clinic address", description = "The letterhead's lines below the name, separated by"
            + " '|', for visits at no clinic of the directory")
    String clinicAddress() default "";

    @AttributeDefinition(name = "Logo", description = "A PNG or JPEG file printed at the letterhead's corner; empty:"
            + " none")
    String logoFile() default "";

    @AttributeDefinition(name = "Medicines not in the formulary", description = "warn: saved with a warning; refuse:"
            + " the save is refused naming the line")
    String offFormulary() default "warn";

    @AttributeDefinition(name = "Report language", description = "The language a new draft is written and printed"
            + " in: en, fa or ru (the doctor changes it in the editor)")
    String reportLanguage() default "en";

    @AttributeDefinition(name = "Signing reason", description = "The reason a signature states")
    String signingReason() default "Clinical report approved and signed by the treating physician";

    @AttributeDefinition(name = "Public base URL", description = "Where people reach the web UI; the patient's notice"
            + " links to <base>/encounters/<visit>/report")
    String publicBaseUrl() default "https://localhost:8443";

    @AttributeDefinition(name = "Notice language", description = "Language of the patient's notice of a shared"
            + " report: en, fa or ru")
    String noticeLanguage() default "en";
}
