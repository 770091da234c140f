package org.telehub.testing.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A real FHIR R4 server in this JVM: HAPI's JPA server on a private in-memory H2 database, served by Jetty on
 * 127.0.0.1 at {@code http://127.0.0.1:<port>/fhir}. Searches, conditional create, {@code _include} and
 * reference validation behave as on a production HAPI server.
 *
 * <p>It is heavy (about 260 jars, 0.6 GB resident, 12 to 40 s to start depending on the JIT and the machine):
 * tests in other modules should run it in its own JVM through {@link FhirServerProcess}, once per test run.
 */
public final class FhirServer implements AutoCloseable {

    /** Where the FHIR endpoint is mounted. */
    public static final String PATH = "/fhir";

    private final AnnotationConfigApplicationContext spring;
    private final Server jetty;
    private final int port;

    private FhirServer(AnnotationConfigApplicationContext spring, Server jetty, int port) {
        this.spring = spring;
        this.jetty = jetty;
        this.port = port;
    }

    /** Starts a server with an empty database on a free port of 127.0.0.1. */
    public static FhirServer start() {
        return start(0);
    }

    /** Starts a server with an empty database on {@code port} of 127.0.0.1 ({@code 0}: a free one). */
    public static FhirServer start(int port) {
        QuietLogging.apply();
        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(FhirServerConfig.class);
        Server jetty = null;
        try {
            jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addServlet(new ServletHolder(restfulServer(spring)), PATH + "/*");
            jetty.setHandler(context);
            jetty.setStopTimeout(2_000);
            jetty.start();
            FhirServer server = new FhirServer(spring, jetty, connector.getLocalPort());
            server.warmUp();
            return server;
        } catch (Exception | Error e) {
            stopQuietly(jetty, e);
            try {
                spring.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("FHIR server did not start: " + e, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring) {
        FhirContext fhirContext = spring.getBean(FhirContext.class);
        RestfulServer server = new RestfulServer(fhirContext);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.registerProviders(spring.getBean("myResourceProvidersR4", ResourceProviderFactory.class)
                .createProviders());
        server.registerProvider(spring.getBean(JpaSystemProvider.class));
        server.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
        IFhirSystemDao systemDao = spring.getBean("mySystemDaoR4", IFhirSystemDao.class);
        JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(server, systemDao,
                spring.getBean(JpaStorageSettings.class), spring.getBean(ISearchParamRegistry.class),
                spring.getBean(IValidationSupport.class));
        capabilities.setImplementationDescription("Telehub test FHIR server (HAPI FHIR JPA, R4)");
        server.setServerConformanceProvider(capabilities);
        return server;
    }

    /**
     * The first capability statement and the first search cost seconds (HAPI builds them lazily): paid here, so
     * that a test's first request, often sent with a short timeout, meets a warm server.
     */
    private void warmUp() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String path : new String[] {"/metadata", "/Patient?identifier=urn:telehub:warm-up%7C0&_count=1"}) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Accept", "application/fhir+json").timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered HTTP " + response.statusCode());
            }
        }
    }

    /** {@code http://127.0.0.1:<port>/fhir}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port + PATH;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Stops Jetty and the server; the database is gone. */
    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("FHIR server did not stop cleanly");
        stopQuietly(jetty, failure);
        try {
            spring.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void stopQuietly(Server jetty, Throwable collector) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            collector.addSuppressed(e);
        }
    }
}
