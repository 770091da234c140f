package org.telehub.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class OpenApiGeneratorTest {
    record Slot(java.time.Instant start, int minutes) {
    }

    record Booking(String patientId, Set<String> tags, List<Slot> slots) {
    }

    @Path("bookings")
    @RolesAllowed("doctor")
    public static class BookingResource {
        @GET
        @Path("{id: [0-9]+}")
        public Booking get(@PathParam("id") long id) {
            return null;
        }

        @POST
        @RolesAllowed("admin")
        public Booking create(Booking b, @QueryParam("notify") boolean notify) {
            return b;
        }

        @GET
        @Path("public")
        @PermitAll
        public String open() {
            return "";
        }
    }

    /** A record of the same simple name as {@link Slot}, in another class (as two bundles' APIs may have). */
    static final class Other {
        record Slot(String clinicId) {
        }
    }

    @Path("other")
    public static class OtherResource {
        @GET
        public Other.Slot get() {
            return null;
        }

        @POST
        public Slot post(Slot s) {
            return s;
        }
    }

    @Test
    void twoRecordsOfOneNameAreTwoSchemas() {
        Map<String, Object> doc = new OpenApiGenerator().document(List.of(OtherResource.class, BookingResource.class),
                "1.0");
        JsonNode d = Json.mapper().valueToTree(doc);
        // BookingResource is read first (class-name order): its Slot keeps the plain name
        assertEquals("#/components/schemas/Slot", d.at("/paths/~1other/post/responses/200/content/application~1json"
                + "/schema/$ref").asText(), d.toString());
        assertEquals("#/components/schemas/OtherSlot", d.at("/paths/~1other/get/responses/200/content"
                + "/application~1json/schema/$ref").asText(), d.toString());
        assertTrue(d.at("/components/schemas/OtherSlot/properties/clinicId").isObject());
        assertTrue(d.at("/components/schemas/Slot/properties/minutes").isObject());
    }

    @Test
    void documentsPathsParametersSchemasAndRoles() {
        Map<String, Object> doc = new OpenApiGenerator().document(List.of(BookingResource.class), "1.0");
        JsonNode d = Json.mapper().valueToTree(doc);
        assertEquals("3.0.3", d.get("openapi").asText());
        JsonNode get = d.at("/paths/~1bookings~1{id}/get");
        assertEquals("id", get.at("/parameters/0/name").asText());
        assertEquals("path", get.at("/parameters/0/in").asText());
        assertEquals("int64", get.at("/parameters/0/schema/format").asText());
        assertEquals("doctor", get.at("/x-roles/0").asText(), "class-level roles apply");
        JsonNode post = d.at("/paths/~1bookings/post");
        assertEquals("admin", post.at("/x-roles/0").asText(), "method-level roles win");
        assertEquals("#/components/schemas/Booking", post.at("/requestBody/content/application~1json/schema/$ref").asText());
        assertEquals("notify", post.at("/parameters/0/name").asText());
        assertTrue(d.at("/paths/~1bookings~1public/get/security").isEmpty(), "public routes say security: []");
        JsonNode booking = d.at("/components/schemas/Booking/properties");
        assertEquals("array", booking.at("/tags/type").asText());
        assertEquals("#/components/schemas/Slot", booking.at("/slots/items/$ref").asText());
        assertEquals("date-time", d.at("/components/schemas/Slot/properties/start/format").asText());
    }
}
