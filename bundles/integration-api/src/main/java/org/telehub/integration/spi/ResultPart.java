package org.telehub.integration.spi;

/** The parts a clinician's result can have; each is filed by at most one handler per target system. */
public enum ResultPart {
    /** {@link Result#report()} */
    REPORT,
    /** {@link Result#observations()} */
    OBSERVATIONS,
    /** {@link Result#analysis()} */
    ANALYSIS,
    /** {@link Result#conditions()} (since 1.1) */
    CONDITIONS,
    /** {@link Result#medications()} (since 1.1) */
    MEDICATIONS
}
