package org.telehub.core.encounter;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Who works where, as the clinic directory knows it: the scheduling asks before it accepts working hours at a
 * clinic. Registered by the directory bundle; while none is registered, hours at a clinic are refused (503) and
 * hours at no clinic in particular work as before.
 */
@ConsumerType
public interface Workplaces {

    /** The clinic's name, or empty when there is no such clinic. */
    Optional<String> clinicName(String clinicId);

    /** Whether the doctor is one of the clinic's doctors. */
    boolean worksAt(String doctorId, String clinicId);
}
