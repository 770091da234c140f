package org.telehub.adapter.pacs.internal;

/** Where a DIMSE peer is and who we are towards it. */
record Endpoint(String host, int port, String calledAe, String callingAe, int readTimeoutMillis, int maxPdu) {

    @Override
    public String toString() {
        return calledAe + "@" + host + ":" + port;
    }
}
