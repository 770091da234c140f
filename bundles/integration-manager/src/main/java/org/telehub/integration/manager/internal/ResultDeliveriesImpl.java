package org.telehub.integration.manager.internal;

import java.util.Base64;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.results.ResultDeliveries;
import org.telehub.security.AuthenticatedUser;

/** {@link ResultDeliveries} over {@link DeliveryService}: the same checks, rows and work items as send-results. */
@Component(service = ResultDeliveries.class)
public class ResultDeliveriesImpl implements ResultDeliveries {
    private final DeliveryService deliveries;

    @Activate
    public ResultDeliveriesImpl(@Reference DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public List<Delivery> send(AuthenticatedUser caller, String patientId, String requestKey, Report report,
            List<ConditionEntry> conditions, List<MedicationOrder> medications) {
        ResultPayload.Report r = new ResultPayload.Report(report.code(), report.codeSystem(), report.title(),
                report.conclusion(), report.content() == null ? null : Base64.getEncoder().encodeToString(
                        report.content()), report.contentType(), report.authoredAt(), report.author(),
                report.studyInstanceUid());
        return deliveries.send(caller, patientId, requestKey, null, new ResultPayload(r, null, null,
                report.documentId(), report.amends(), conditions, medications), true).stream()
                .map(ResultDeliveriesImpl::delivery).toList();
    }

    @Override
    public List<Delivery> sent(AuthenticatedUser caller, String patientId, String requestKey) {
        return deliveries.sent(caller, patientId, requestKey).stream().map(ResultDeliveriesImpl::delivery).toList();
    }

    private static Delivery delivery(DeliveryService.DeliveryView v) {
        return new Delivery(v.id(), v.adapterId(), v.state().value(), v.attempts(),
                v.lastError(), v.remoteId(), v.deliveredAt());
    }
}
