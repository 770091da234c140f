package org.telehub.reporting.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.integration.results.ResultDeliveries;
import org.telehub.reporting.Reports;

/**
 * What became of a signed report's deliveries, shown on the report: read from the Integration Manager while it runs
 * (an optional, dynamic reference: without it the report is still read, its deliveries unknown for the moment).
 */
@Component(service = DeliveryStates.class)
public class DeliveryStates {
    private volatile ResultDeliveries deliveries;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setDeliveries(ResultDeliveries d) {
        this.deliveries = d;
    }

    void unsetDeliveries(ResultDeliveries d) {
        if (this.deliveries == d) {
            this.deliveries = null;
        }
    }

    /** The deliveries of a signed report or addendum (empty while none was made, or without the manager). */
    List<Reports.Delivery> of(String reportId, String addendumId, String patientId, String signedBy,
            String doctorName) {
        ResultDeliveries d = deliveries;
        if (d == null || signedBy == null) {
            return List.of();
        }
        try {
            return d.sent(ReportDeliveries.signer(signedBy, doctorName), patientId,
                    ReportDeliveries.requestKey(reportId, addendumId)).stream()
                    .map(x -> new Reports.Delivery(x.adapterId(), x.state(), x.lastError(), x.deliveredAt())).toList();
        } catch (RuntimeException unavailable) {
            return List.of();
        }
    }
}
