package org.telehub.dicom.net;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.StorageSOPClassSCP;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SCP of Telehub's: our own server socket (PixelMed's dispatcher cannot bind to an address and leaves Nagle on)
 * hands each admitted connection to a {@link Session}. {@link #storage} makes a storage SCP (the destination of a
 * PACS's C-MOVE, or where a modality sends what it made): PixelMed's {@link StorageSOPClassSCP} writes each
 * instance under a random name ({@link ReceivedFileNames}) to {@code incoming} and calls the handler before it
 * answers the C-STORE, so the handler throwing is a failure to the sender.
 *
 * <p>Only the configured peers may associate: a connection from an address none of their host names resolves to is
 * closed before a byte is read, and an A-ASSOCIATE-RQ whose calling AE title is not that of a peer on that address
 * is answered with A-ASSOCIATE-RJ (calling AE title not recognised). PixelMed's SCP has no hook for either (it
 * checks only the called AE title), so we read the fixed part of the request ourselves and hand PixelMed a socket
 * that replays it.
 */
public final class Scp implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Scp.class);
    /** PDU header (type, reserved, length) and the fixed fields of A-ASSOCIATE-RQ up to its variable items. */
    private static final int RQ_FIXED = 6 + 68;
    private static final int CALLING_AE_AT = 6 + 2 + 2 + 16;
    /**
     * A-ASSOCIATE-RJ (PS3.8 9.3.4): type 3, length 4, then reserved, result 1 (rejected-permanent), source 1
     * (service-user), reason 3 (calling-AE-title-not-recognized).
     */
    private static final byte[] REJECT_CALLING_AE = {0x03, 0, 0, 0, 0, 4, 0, 1, 1, 3};
    /**
     * The longest A-ASSOCIATE-RQ read (whole, to see what it proposes): 127 presentation contexts with a dozen
     * transfer syntaxes each come to ~110 KiB.
     */
    private static final int MAX_REQUEST = 256 * 1024;

    private final ServerSocket server;
    private final String aeTitle;
    private final List<Peer> peers;
    private final String name;
    private final int readTimeoutMillis;
    private final Session session;
    private final ExecutorService associations;
    private final Thread acceptor;
    private volatile boolean closed;

    /** A peer that may send: its calling AE title and its host name or address. */
    public record Peer(String aeTitle, String host) {
        @Override
        public String toString() {
            return aeTitle + "@" + host;
        }
    }

    /** What is done with one admitted association (its socket replays what admission read). */
    @FunctionalInterface
    public interface Session {
        void run(Socket admitted) throws Exception;
    }

    /**
     * A storage SCP.
     *
     * @param name what the log calls this SCP, e.g. {@code PACS orthanc-main}
     * @param peers who may associate: connections are accepted from their addresses only, each with its AE title
     * @param policy the presentation contexts accepted (which SOP classes, which transfer syntaxes)
     */
    public static Scp storage(String name, String bindAddress, int port, String aeTitle, List<Peer> peers,
            Path incoming, int maxPdu, int readTimeoutMillis, PresentationContextSelectionPolicy policy,
            ReceivedObjectHandler handler) throws IOException {
        return storage(name, bindAddress, port, aeTitle, peers, incoming, maxPdu, readTimeoutMillis, policy,
                handler, null);
    }

    /**
     * A storage SCP that also takes the Storage Commitment reports of {@code commitment}: a peer that commits what
     * we stored opens an association of its own to this AE to report (PS3.4 J.3.3), and an association proposing
     * the Storage Commitment Push Model goes to {@link StorageCommitment#session}. Any other goes to the storage
     * SCP.
     *
     * @param commitment null for a storage SCP alone
     */
    public static Scp storage(String name, String bindAddress, int port, String aeTitle, List<Peer> peers,
            Path incoming, int maxPdu, int readTimeoutMillis, PresentationContextSelectionPolicy policy,
            ReceivedObjectHandler handler, StorageCommitment commitment) throws IOException {
        return new Scp(name, bindAddress, port, aeTitle, peers, readTimeoutMillis, admitted -> {
            if (commitment != null && proposes(admitted, StorageCommitment.PUSH_MODEL)) {
                commitment.session(admitted, aeTitle, maxPdu);
                return;
            }
            new StorageSOPClassSCP(admitted, aeTitle, maxPdu, AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(), incoming.toFile(), ReceivedFileNames.RANDOM,
                    handler, null, null, null, null, policy).run();
        });
    }

    /**
     * Whether the A-ASSOCIATE-RQ of an admitted association (the socket a {@link Session} is given) proposes a
     * presentation context of {@code abstractSyntax}.
     */
    public static boolean proposes(Socket admitted, String abstractSyntax) {
        return admitted instanceof Replaying r && abstractSyntaxes(r.request).contains(abstractSyntax);
    }

    /**
     * The abstract syntaxes of an A-ASSOCIATE-RQ's presentation context items (PS3.8 9.3.2.2): items of type
     * 0x20 after the fixed fields, each with sub-items, of which type 0x30 is the abstract syntax.
     */
    static List<String> abstractSyntaxes(byte[] request) {
        List<String> found = new ArrayList<>();
        int at = RQ_FIXED;
        while (at + 4 <= request.length) {
            int type = request[at] & 0xFF;
            int length = ((request[at + 2] & 0xFF) << 8) | (request[at + 3] & 0xFF);
            int end = Math.min(request.length, at + 4 + length);
            if (type == 0x20) {
                for (int sub = at + 8; sub + 4 <= end;) {
                    int subLength = ((request[sub + 2] & 0xFF) << 8) | (request[sub + 3] & 0xFF);
                    if ((request[sub] & 0xFF) == 0x30 && sub + 4 + subLength <= end) {
                        found.add(new String(request, sub + 4, subLength, StandardCharsets.US_ASCII)
                                .replace("\0", "").trim());
                    }
                    sub += 4 + subLength;
                }
            }
            at += 4 + length;
        }
        return found;
    }

    /**
     * @param name what the log calls this SCP
     * @param peers who may associate: connections are accepted from their addresses only, each with its AE title
     */
    public Scp(String name, String bindAddress, int port, String aeTitle, List<Peer> peers, int readTimeoutMillis,
            Session session) throws IOException {
        this.name = name;
        this.aeTitle = aeTitle;
        this.peers = List.copyOf(peers);
        this.readTimeoutMillis = readTimeoutMillis;
        this.session = session;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bindAddress, port));
        AtomicInteger n = new AtomicInteger();
        this.associations = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "telehub-scp-" + aeTitle + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::accept, "telehub-scp-" + aeTitle);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("SCP {} ({}) stopped accepting: {}", aeTitle, name, e.toString());
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
            Socket admitted = admit(socket);
            if (admitted == null) {
                return;
            }
            session.run(admitted);
        } catch (Exception e) {
            if (closed) { // an association still open (a peer keeping it for reuse) ends with the SCP
                LOG.debug("SCP {} ({}): association from {} ended as the SCP closed: {}", aeTitle, name,
                        socket.getRemoteSocketAddress(), e.toString());
            } else {
                LOG.warn("SCP {} ({}): association from {} failed: {}", aeTitle, name,
                        socket.getRemoteSocketAddress(), e.toString());
            }
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    /**
     * The socket to hand to PixelMed (replaying what we read), or null when the peer was refused (the caller
     * closes the connection).
     */
    private Socket admit(Socket socket) throws IOException {
        InetAddress from = socket.getInetAddress();
        List<Peer> there = peersAt(from);
        if (there.isEmpty()) {
            LOG.warn("SCP {} ({}): refused a connection from {}, which is none of {}", aeTitle, name,
                    from.getHostAddress(), peers);
            return null;
        }
        byte[] request = socket.getInputStream().readNBytes(RQ_FIXED);
        long length = request.length < 6 ? 0 : ((request[2] & 0xFFL) << 24) | ((request[3] & 0xFF) << 16)
                | ((request[4] & 0xFF) << 8) | (request[5] & 0xFF);
        if (request.length < RQ_FIXED || request[0] != 0x01 || length < RQ_FIXED - 6) {
            LOG.warn("SCP {} ({}): {} did not open with an A-ASSOCIATE-RQ; connection closed", aeTitle, name,
                    from.getHostAddress());
            return null;
        }
        if (length > MAX_REQUEST) {
            LOG.warn("SCP {} ({}): {} opened with an A-ASSOCIATE-RQ of {} bytes (at most {}); connection closed",
                    aeTitle, name, from.getHostAddress(), length, MAX_REQUEST);
            return null;
        }
        // the whole request, so that a session can see what it proposes; PixelMed reads it again from the replay
        byte[] rest = socket.getInputStream().readNBytes((int) length - (RQ_FIXED - 6));
        if (rest.length < length - (RQ_FIXED - 6)) {
            LOG.warn("SCP {} ({}): {} closed the connection inside its A-ASSOCIATE-RQ", aeTitle, name,
                    from.getHostAddress());
            return null;
        }
        request = Arrays.copyOf(request, RQ_FIXED + rest.length);
        System.arraycopy(rest, 0, request, RQ_FIXED, rest.length);
        String calling = new String(request, CALLING_AE_AT, 16, StandardCharsets.US_ASCII).trim();
        if (there.stream().noneMatch(p -> p.aeTitle().equals(calling))) {
            OutputStream out = socket.getOutputStream();
            out.write(REJECT_CALLING_AE);
            out.flush();
            LOG.warn("SCP {} ({}): rejected an association from {} with calling AE '{}' (may send: {})",
                    aeTitle, name, from.getHostAddress(), calling.replaceAll("[^\\x20-\\x7E]", "?"), there);
            return null;
        }
        return new Replaying(socket, request);
    }

    /**
     * The peers whose host names resolve to {@code from}. Resolved at every association, so a peer whose address
     * changes in DNS is followed without a restart.
     */
    private List<Peer> peersAt(InetAddress from) {
        return peers.stream().filter(p -> {
            try {
                return Arrays.asList(InetAddress.getAllByName(p.host())).contains(from);
            } catch (UnknownHostException e) {
                LOG.warn("SCP {} ({}): cannot resolve {}'s host {}", aeTitle, name, p.aeTitle(), p.host());
                return false;
            }
        }).toList();
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

    /**
     * An accepted socket whose input starts again with the bytes we read to admit the peer. It is never connected
     * itself: everything PixelMed's association calls on its socket is passed to the real one.
     */
    private static final class Replaying extends Socket {
        private final Socket socket;
        private final InputStream in;
        private final byte[] request;

        Replaying(Socket socket, byte[] consumed) throws IOException {
            this.socket = socket;
            this.request = consumed;
            this.in = new SequenceInputStream(new ByteArrayInputStream(consumed), socket.getInputStream());
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public InetAddress getLocalAddress() {
            return socket.getLocalAddress();
        }

        @Override
        public int getPort() {
            return socket.getPort();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return socket.getSoTimeout();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return socket.getTcpNoDelay();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            socket.setTcpNoDelay(on);
        }

        @Override
        public int getReceiveBufferSize() throws SocketException {
            return socket.getReceiveBufferSize();
        }

        @Override
        public void setReceiveBufferSize(int size) throws SocketException {
            socket.setReceiveBufferSize(size);
        }

        @Override
        public int getSendBufferSize() throws SocketException {
            return socket.getSendBufferSize();
        }

        @Override
        public void setSendBufferSize(int size) throws SocketException {
            socket.setSendBufferSize(size);
        }

        @Override
        public int getSoLinger() throws SocketException {
            return socket.getSoLinger();
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }
}
