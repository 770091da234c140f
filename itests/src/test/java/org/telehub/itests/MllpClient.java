package org.telehub.itests;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.Charset;

/**
 * The tests' own MLLP sender on one connection, for load and for what {@code mllp_send} cannot do (raw bytes, a
 * connection kept across messages): one frame out, its answer back.
 */
final class MllpClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    MllpClient(int port, int timeoutMillis) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream());
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends {@code content} framed and returns the answer's content, its segments separated by CR. */
    String exchange(byte[] content, Charset charset) throws IOException {
        out.write(0x0b);
        out.write(content);
        out.write(new byte[] {0x1c, 0x0d});
        out.flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream(256);
        int b = in.read();
        if (b != 0x0b) {
            throw new EOFException("no answer (" + b + ")");
        }
        while ((b = in.read()) != 0x1c) {
            if (b < 0) {
                throw new EOFException("connection closed inside the answer: " + got);
            }
            got.write(b);
        }
        in.read();
        return got.toString(charset);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
