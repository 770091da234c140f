package org.telehub.dicom.net;

import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

/**
 * Which presentation contexts an SCP accepts: a list of SOP classes, each with the transfer syntaxes it may arrive
 * in. Of those the peer proposes, the first one in the peer's order that we accept is chosen (a modality proposes
 * its native encoding first: a video stays MPEG-4, nothing is transcoded). Anything else is refused with PS3.8's
 * reasons: 3 (abstract syntax not supported) or 4 (transfer syntaxes not supported), so the peer learns which.
 */
public final class AcceptedContexts implements PresentationContextSelectionPolicy {
    /** The Verification SOP class (C-ECHO), which every SCP of ours answers. */
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    /** Explicit and Implicit VR Little Endian: what every DICOM peer speaks, for services without pixel data. */
    public static final List<String> UNCOMPRESSED = List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
    /** Result/reason of a presentation context item (PS3.8 9.3.3.2). */
    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    private final Map<String, List<String>> accepted;

    /** @param accepted SOP class UID to the transfer syntax UIDs it is accepted in */
    public AcceptedContexts(Map<String, List<String>> accepted) {
        this.accepted = new LinkedHashMap<>(accepted);
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList proposed, int association) {
        return applyPresentationContextSelectionPolicy(proposed, association, 0);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList proposed, int association, int debugLevel) {
        for (Object o : proposed) { // answered in place, as PixelMed's own policies do
            PresentationContext pc = (PresentationContext) o;
            List<String> ours = accepted.get(pc.getAbstractSyntaxUID());
            String chosen = null;
            if (ours != null) {
                for (Object ts : pc.getTransferSyntaxUIDs()) {
                    if (ours.contains(ts)) {
                        chosen = (String) ts;
                        break;
                    }
                }
            }
            pc.newTransferSyntaxUIDs();
            // the answer carries one transfer syntax; for a refused context it is not significant (PS3.8 9.3.3.2)
            pc.addTransferSyntaxUID(chosen != null ? chosen : "1.2.840.10008.1.2");
            pc.setResultReason(ours == null ? ABSTRACT_SYNTAX_NOT_SUPPORTED : chosen == null
                    ? TRANSFER_SYNTAXES_NOT_SUPPORTED : ACCEPTANCE);
        }
        return proposed;
    }
}
