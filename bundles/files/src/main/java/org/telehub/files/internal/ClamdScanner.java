package org.telehub.files.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.files.VirusScanner;

/**
 * {@link VirusScanner} by ClamAV's {@code clamd}, its INSTREAM command (clamd(8)): {@code zINSTREAM\0}, the content in
 * chunks each led by its length (4 bytes, network order), a zero length, then one answer ending in NUL —
 * {@code stream: OK}, {@code stream: <signature> FOUND}, or {@code ... ERROR}. One connection per scan. The protocol is
 * these three frames, so it is spoken here rather than through a client library (ARCHITECTURE.md, Files).
 */
@Component(service = VirusScanner.class, configurationPid = "org.telehub.files.clamav")
@Designate(ocd = ClamavConfig.class)
public class ClamdScanner implements VirusScanner {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_REPLY = 4096;

    private volatile String host;
    private volatile int port;
    private volatile int connectTimeout;
    private volatile int scanTimeout;

    @Activate
    public ClamdScanner(ClamavConfig config) {
        modified(config);
    }

    ClamdScanner(String host, int port, int connectTimeout, int scanTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.scanTimeout = scanTimeout;
    }

    @Modified
    void modified(ClamavConfig c) {
        this.host = c.host();
        this.port = c.port();
        this.connectTimeout = c.connectTimeoutMillis();
        this.scanTimeout = c.scanTimeoutMillis();
    }

    @Override
    public Result scan(InputStream content) throws Unavailable {
        String where = "clamd at " + host + ":" + port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), connectTimeout);
            s.setSoTimeout(scanTimeout);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[CHUNK];
            int n;
            try {
                while ((n = content.readNBytes(buf, 0, CHUNK)) > 0) {
                    out.writeInt(n);
                    out.write(buf, 0, n);
                }
                out.writeInt(0);
                out.flush();
            } catch (IOException e) {
                // clamd closes the stream when it passes its StreamMaxLength: its answer says so
                String said = reply(s.getInputStream());
                throw new Unavailable(where + " stopped reading the file" + (said.isEmpty() ? ": " + e.getMessage()
                        : ": " + said), e);
            }
            return result(reply(s.getInputStream()), where);
        } catch (Unavailable e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw new Unavailable(where + " did not answer within " + scanTimeout + " ms", e);
        } catch (IOException e) {
            throw new Unavailable(where + " cannot be reached: " + e.getMessage(), e);
        }
    }

    /** clamd's answer to one INSTREAM, e.g. {@code stream: Eicar-Signature FOUND}. */
    static Result result(String reply, String where) throws Unavailable {
        if (reply.equals("stream: OK")) {
            return new Result(true, null, "ClamAV");
        }
        if (reply.startsWith("stream: ") && reply.endsWith(" FOUND")) {
            return new Result(false, reply.substring(8, reply.length() - 6).trim(), "ClamAV");
        }
        throw new Unavailable(where + " could not scan the file: " + (reply.isEmpty() ? "no answer" : reply), null);
    }

    private static String reply(InputStream in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) > 0 && b.size() < MAX_REPLY) {
                b.write(c);
            }
        } catch (IOException e) {
            // what was read so far is the answer
        }
        return b.toString(StandardCharsets.US_ASCII).trim();
    }
}
