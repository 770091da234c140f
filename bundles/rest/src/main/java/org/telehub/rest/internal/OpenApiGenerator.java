package org.telehub.rest.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.HEAD;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.OPTIONS;
import javax.ws.rs.PATCH;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;

import org.telehub.rest.RestApi;

/**
 * Builds the OpenAPI 3.0 document from the resource classes actually served: paths, operations, parameters, request
 * and response schemas (records become object schemas), and which roles each operation needs. Generated from the
 * code, so it cannot drift from it.
 */
final class OpenApiGenerator {
    private final Map<String, Object> schemas = new TreeMap<>();
    /** Which record each schema name stands for: two records of one simple name are two schemas. */
    private final Map<String, Class<?>> named = new TreeMap<>();
    private final Map<Class<?>, String> names = new LinkedHashMap<>();

    /** @param resources resource classes keyed by the bundle that serves them, in any order */
    Map<String, Object> document(List<Class<?>> resources, String version) {
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        resources.stream().sorted(Comparator.comparing(Class::getName)).forEach(c -> addResource(c, paths));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Telehub API", "version", version,
                "description", "Every operation needs a bearer token (POST /auth/token) unless marked security: []."
                        + " Errors are RFC 9457 application/problem+json."));
        doc.put("servers", List.of(Map.of("url", RestApi.BASE)));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        schemas.put("Problem", problemSchema());
        components.put("schemas", schemas);
        components.put("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer")));
        doc.put("components", components);
        doc.put("security", List.of(Map.of("bearer", List.of())));
        return doc;
    }

    private void addResource(Class<?> c, Map<String, Map<String, Object>> paths) {
        String base = path(c.getAnnotation(Path.class));
        Method[] methods = c.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            String http = httpMethod(m);
            if (http == null) {
                continue;
            }
            String full = join(base, path(m.getAnnotation(Path.class)));
            paths.computeIfAbsent(full, k -> new TreeMap<>()).put(http, operation(c, m));
        }
    }

    private Map<String, Object> operation(Class<?> c, Method m) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", c.getSimpleName() + "." + m.getName());
        op.put("tags", List.of(c.getSimpleName().replace("Resource", "")));
        List<Map<String, Object>> params = new ArrayList<>();
        Map<String, Object> body = null;
        for (Parameter p : m.getParameters()) {
            if (p.isAnnotationPresent(Context.class)) {
                continue;
            }
            PathParam pp = p.getAnnotation(PathParam.class);
            QueryParam qp = p.getAnnotation(QueryParam.class);
            HeaderParam hp = p.getAnnotation(HeaderParam.class);
            if (pp != null) {
                params.add(param(pp.value(), "path", true, p.getParameterizedType()));
            } else if (qp != null) {
                params.add(param(qp.value(), "query", false, p.getParameterizedType()));
            } else if (hp != null) {
                params.add(param(hp.value(), "header", false, p.getParameterizedType()));
            } else {
                body = Map.of("required", true, "content",
                        Map.of(first(consumes(c, m)), Map.of("schema", schema(p.getParameterizedType()))));
            }
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (body != null) {
            op.put("requestBody", body);
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        Type ret = m.getGenericReturnType();
        if (ret == void.class) {
            responses.put("204", Map.of("description", "Done"));
        } else if (ret == javax.ws.rs.core.Response.class) {
            responses.put("2XX", Map.of("description", "Success"));
        } else {
            responses.put("200", Map.of("description", "Success",
                    "content", Map.of(first(produces(c, m)), Map.of("schema", schema(ret)))));
        }
        Map<String, Object> problem = Map.of("description", "Problem",
                "content", Map.of(RestApi.PROBLEM_JSON, Map.of("schema", Map.of("$ref", "#/components/schemas/Problem"))));
        responses.put("4XX", problem);
        op.put("responses", responses);
        if (m.isAnnotationPresent(PermitAll.class) || (c.isAnnotationPresent(PermitAll.class)
                && !m.isAnnotationPresent(RolesAllowed.class))) {
            op.put("security", List.of());
        } else {
            RolesAllowed roles = m.isAnnotationPresent(RolesAllowed.class) ? m.getAnnotation(RolesAllowed.class)
                    : c.getAnnotation(RolesAllowed.class);
            op.put("x-roles", roles == null ? List.of("any authenticated user") : List.of(roles.value()));
        }
        return op;
    }

    private Map<String, Object> param(String name, String in, boolean required, Type type) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("in", in);
        p.put("required", required);
        p.put("schema", schema(type));
        return p;
    }

    Map<String, Object> schema(Type type) {
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                return Map.of("type", "array", "items", schema(pt.getActualTypeArguments()[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", schema(pt.getActualTypeArguments()[1]));
            }
            if (raw == java.util.Optional.class) {
                return schema(pt.getActualTypeArguments()[0]);
            }
            return schema(raw);
        }
        if (!(type instanceof Class<?> c)) {
            return Map.of();
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return Map.of("type", "string");
        }
        if (c == UUID.class) {
            return Map.of("type", "string", "format", "uuid");
        }
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
            return Map.of("type", "integer", "format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return Map.of("type", "integer", "format", "int64");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class
                || Number.class.isAssignableFrom(c)) {
            return Map.of("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return Map.of("type", "boolean");
        }
        if (c == Instant.class || c == OffsetDateTime.class || c == ZonedDateTime.class || c == LocalDateTime.class) {
            return Map.of("type", "string", "format", "date-time");
        }
        if (c == LocalDate.class) {
            return Map.of("type", "string", "format", "date");
        }
        if (c.isEnum()) {
            return Map.of("type", "string", "enum", Arrays.stream(c.getEnumConstants()).map(Object::toString).toList());
        }
        if (c.isArray()) {
            return Map.of("type", "array", "items", schema(c.getComponentType()));
        }
        if (c.isRecord()) {
            String name = nameOf(c);
            if (!schemas.containsKey(name)) {
                schemas.put(name, Map.of()); // placeholder stops recursion on self-referencing records
                Map<String, Object> props = new LinkedHashMap<>();
                for (RecordComponent rc : c.getRecordComponents()) {
                    props.put(rc.getName(), schema(rc.getGenericType()));
                }
                schemas.put(name, Map.of("type", "object", "properties", props));
            }
            return Map.of("$ref", "#/components/schemas/" + name);
        }
        return Map.of("type", "object");
    }

    /**
     * A record's schema name: its simple name, or, when another record took that name first (resources are read in
     * class-name order, so always the same one), prefixed by the name of the class it is nested in ({@code
     * Directory.Hours}: DirectoryHours), then numbered if even that is taken.
     */
    private String nameOf(Class<?> c) {
        String known = names.get(c);
        if (known != null) {
            return known;
        }
        String name = c.getSimpleName();
        if (named.containsKey(name)) {
            String qualified = (c.getEnclosingClass() == null ? "" : c.getEnclosingClass().getSimpleName()) + name;
            name = qualified;
            for (int i = 2; named.containsKey(name); i++) {
                name = qualified + i;
            }
        }
        named.put(name, c);
        names.put(c, name);
        return name;
    }

    private static Map<String, Object> problemSchema() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("type", Map.of("type", "string"));
        props.put("title", Map.of("type", "string"));
        props.put("status", Map.of("type", "integer"));
        props.put("detail", Map.of("type", "string"));
        props.put("instance", Map.of("type", "string"));
        props.put("field", Map.of("type", "string", "description", "The input at fault, as a JSON path"));
        return Map.of("type", "object", "properties", props);
    }

    private static String httpMethod(Method m) {
        if (m.isAnnotationPresent(GET.class)) {
            return "get";
        }
        if (m.isAnnotationPresent(POST.class)) {
            return "post";
        }
        if (m.isAnnotationPresent(PUT.class)) {
            return "put";
        }
        if (m.isAnnotationPresent(DELETE.class)) {
            return "delete";
        }
        if (m.isAnnotationPresent(PATCH.class)) {
            return "patch";
        }
        if (m.isAnnotationPresent(HEAD.class)) {
            return "head";
        }
        if (m.isAnnotationPresent(OPTIONS.class)) {
            return "options";
        }
        return null;
    }

    private static String[] consumes(Class<?> c, Method m) {
        Consumes x = m.isAnnotationPresent(Consumes.class) ? m.getAnnotation(Consumes.class) : c.getAnnotation(Consumes.class);
        return x == null ? new String[] {"application/json"} : x.value();
    }

    private static String[] produces(Class<?> c, Method m) {
        Produces x = m.isAnnotationPresent(Produces.class) ? m.getAnnotation(Produces.class) : c.getAnnotation(Produces.class);
        return x == null ? new String[] {"application/json"} : x.value();
    }

    private static String first(String[] types) {
        return types.length == 0 ? "application/json" : types[0];
    }

    private static String path(Path p) {
        return p == null ? "" : p.value();
    }

    private static String join(String a, String b) {
        String s = ("/" + a + "/" + b).replaceAll("/+", "/");
        // path templates with regular expressions ({id: [0-9]+}) are documented by name only
        s = s.replaceAll("\\{\\s*([A-Za-z0-9_]+)\\s*:[^}]*}", "{$1}");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
