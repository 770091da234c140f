package org.telehub.dicom.net;

/** Where a DIMSE peer is and who we are towards it. */
public record Endpoint(String host, int port, String calledAe, String callingAe, int readTimeoutMillis, int maxPdu) {

    /** The same peer, with us as another AE title towards it. */
    public Endpoint withCallingAe(String ae) {
        return new Endpoint(host, port, calledAe, ae, readTimeoutMillis, maxPdu);
    }

    @Override
    public String toString() {
        return calledAe + "@" + host + ":" + port;
    }
}
