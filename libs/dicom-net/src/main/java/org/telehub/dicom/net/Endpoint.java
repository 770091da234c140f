package org.telehub.dicom.net;

/** Where a DIMSE peer is and who we are towards it. */
public record Endpoint(String host, int port, String calledAe, String callingAe, int readTimeoutMillis, int maxPdu) {

    @Override
    public String toString() {
        return calledAe + "@" + host + ":" + port;
    }
}
