package org.telehub.itests.adapter;

import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DeliveryReceipt;

/** The simulated remote system's write endpoint (run by the test), shared by the test adapters. */
public final class RemoteRecords {
    private final String remoteUrl;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();
    public volatile String lastError;
    public volatile Long lastLatency;

    public RemoteRecords(String remoteUrl) {
        this.remoteUrl = remoteUrl;
    }

    /**
     * A conditional create on the remote: the remote keeps one record per key and answers 201 (created) or 200
     * (it had it). 5xx and connection failures are retryable, other 4xx are not.
     */
    public DeliveryReceipt write(String key, String patient, String kind, String label) throws AdapterException {
        if (remoteUrl.isEmpty()) {
            throw new AdapterException("no remoteUrl configured", false);
        }
        String body = "{\"key\":\"" + key + "\",\"patient\":\"" + patient + "\",\"kind\":\"" + kind
                + "\",\"label\":\"" + label.replace("\"", "'") + "\"}";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(remoteUrl + "/records"))
                .timeout(java.time.Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        java.net.http.HttpResponse<String> r;
        try {
            r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            lastError = e.toString();
            throw new AdapterException("remote unreachable: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("interrupted", true, e);
        }
        lastLatency = (System.nanoTime() - t0) / 1_000_000;
        if (r.statusCode() >= 500) {
            lastError = "remote answered " + r.statusCode();
            throw new AdapterException(lastError, true);
        }
        if (r.statusCode() >= 400) {
            lastError = "remote rejected the record: " + r.statusCode() + " " + r.body();
            throw new AdapterException(lastError, false);
        }
        return new DeliveryReceipt(r.body().replaceAll(".*\"id\":\"([^\"]*)\".*", "$1"), r.statusCode() == 200);
    }

}
