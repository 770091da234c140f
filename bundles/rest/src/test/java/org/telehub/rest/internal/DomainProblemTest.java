package org.telehub.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import javax.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.RemoteFailureException;
import org.telehub.domain.UnavailableException;
import org.telehub.domain.UnprocessableException;

/** Domain failures become problem+json here and only here: each kind its status, its field and its details. */
class DomainProblemTest {

    private static Map<?, ?> body(Response r) {
        return (Map<?, ?>) r.getEntity();
    }

    @Test
    void eachKindHasItsStatus() {
        Map<DomainException, Integer> expected = Map.of(new InvalidException("email", "not an address"), 400,
                new NotAuthenticatedException("expired"), 401, new ForbiddenException("not your patient"), 403,
                new NotFoundException("no such visit"), 404, new ConflictException("slot taken"), 409,
                new UnprocessableException("scheduledStart", "outside working hours"), 422,
                new RemoteFailureException("PACS said no"), 502, new UnavailableException("PACS unreachable"), 503);
        expected.forEach((e, status) -> {
            Response r = new ProblemMapper().toResponse(e);
            assertEquals(status, r.getStatus(), e.getClass().getSimpleName());
            assertEquals(status, body(r).get("status"));
            assertEquals(e.getMessage(), body(r).get("detail"));
        });
    }

    @Test
    void fieldTitleAndDetailsReachTheProblem() {
        Response r = new ProblemMapper().toResponse(new ConflictException("Slot taken", "The doctor is busy",
                "scheduledStart", Map.of("conflict", "doctor")));
        assertEquals("Slot taken", body(r).get("title"));
        assertEquals("scheduledStart", body(r).get("field"));
        assertEquals("doctor", body(r).get("conflict"));

        Response invalid = new ProblemMapper().toResponse(new InvalidException("roles[1]", "unknown role"));
        assertEquals("Invalid request", body(invalid).get("title"));
        assertEquals("roles[1]", body(invalid).get("field"));
    }

    @Test
    void unavailableTellsWhenToRetry() {
        Response r = new ProblemMapper().toResponse(new UnavailableException("the PACS is unreachable"));
        assertEquals("5", r.getHeaderString("Retry-After"));
    }
}
