package org.telehub.adapter.pacs.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.pixelmed.dicom.StoredFilePathStrategy;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.StorageSOPClassSCP;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telehub's storage SCP for one PACS: the destination of C-MOVE. Our own server socket (PixelMed's dispatcher
 * cannot bind to an address and leaves Nagle on) hands each accepted connection to PixelMed's
 * {@link StorageSOPClassSCP}, which writes each instance to {@code incoming} and calls the handler.
 */
final class StorageScp implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageScp.class);

    private final ServerSocket server;
    private final String aeTitle;
    private final Path incoming;
    private final int maxPdu;
    private final int readTimeoutMillis;
    private final ReceivedObjectHandler handler;
    private final ExecutorService associations;
    private final Thread acceptor;
    private volatile boolean closed;

    StorageScp(String bindAddress, int port, String aeTitle, Path incoming, int maxPdu, int readTimeoutMillis,
            ReceivedObjectHandler handler) throws IOException {
        this.aeTitle = aeTitle;
        this.incoming = incoming;
        this.maxPdu = maxPdu;
        this.readTimeoutMillis = readTimeoutMillis;
        this.handler = handler;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bindAddress, port));
        AtomicInteger n = new AtomicInteger();
        this.associations = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "telehub-pacs-scp-" + aeTitle + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::accept, "telehub-pacs-scp-" + aeTitle);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("Storage SCP {} stopped accepting: {}", aeTitle, e.toString());
                }
                return;
            }
            associations.execute(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMillis);
            new StorageSOPClassSCP(socket, aeTitle, maxPdu, AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(), incoming.toFile(),
                    StoredFilePathStrategy.BYSOPINSTANCEUIDINSINGLEFOLDER, handler, null, null, null, null,
                    new AnyExplicitStorePresentationContextSelectionPolicy()).run();
        } catch (Exception e) {
            LOG.warn("Storage SCP {}: association from {} failed: {}", aeTitle, socket.getRemoteSocketAddress(),
                    e.toString());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the SCP socket", e);
        }
        associations.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
