package org.telehub.media.internal.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;

/**
 * One session of the engine with the browsers of a room: a peer connection per browser, which offers (through the
 * hub) and which the session answers; what each side sends is the session kind's ({@link Recorder}: the browsers'
 * audio in, nothing out; {@link Camera}: a picture out, nothing in).
 */
abstract class Session {
    /** What the hub sends with {@code start}: the ICE servers and policy of every session, a recording's bitrate. */
    record Options(List<RTCIceServer> iceServers, boolean relayOnly, boolean loopback, int bitrateKbps) {
        static Options of(Map<String, String> m) {
            List<RTCIceServer> servers = new ArrayList<>();
            for (String line : m.getOrDefault("iceServers", "").split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] p = line.split("\t", -1);
                RTCIceServer s = new RTCIceServer();
                s.urls = List.of(p[0].split(" "));
                if (p.length > 2 && !p[1].isEmpty()) {
                    s.username = p[1];
                    s.password = p[2];
                }
                servers.add(s);
            }
            return new Options(servers, "relay".equals(m.get("policy")), Boolean.parseBoolean(m.get("loopback")),
                    Integer.parseInt(m.getOrDefault("bitrateKbps", "32")));
        }
    }

    protected final String session;
    protected final Wire wire;
    protected final Options options;
    private final PeerConnectionFactory factory;
    private final Map<String, RTCPeerConnection> peers = new ConcurrentHashMap<>();

    Session(String session, Wire wire, PeerConnectionFactory factory, Options options) {
        this.session = session;
        this.wire = wire;
        this.factory = factory;
        this.options = options;
    }

    abstract void start() throws IOException;

    /** Ends the session: every connection closed, its work finished. */
    abstract void stop() throws InterruptedException;

    /** The hub is gone: nothing more can be delivered. */
    abstract void abort();

    /** Sets what this session sends and receives on the transceivers of a browser's offer, before the answer. */
    abstract void direct(RTCPeerConnection pc);

    /** A browser's track arrived (only sessions that receive care). */
    void received(String peer, RTCRtpTransceiver transceiver) {
    }

    /** A browser left (only sessions that keep something per browser care). */
    void left(String peer) {
    }

    /** A browser's connection is about to close (a session that sends lets go of its tracks here). */
    void closing(RTCPeerConnection pc) {
    }

    final void offer(String peer, String sdp) {
        RTCPeerConnection pc = peers.computeIfAbsent(peer, this::connection);
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, sdp), new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                direct(pc);
                pc.createAnswer(new RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
                    @Override
                    public void onSuccess(RTCSessionDescription answer) {
                        pc.setLocalDescription(answer, new SetSessionDescriptionObserver() {
                            @Override
                            public void onSuccess() {
                                send("answer", Map.of("peer", peer, "sdp", answer.sdp));
                            }

                            @Override
                            public void onFailure(String error) {
                                problem(peer, "answer: " + error);
                            }
                        });
                    }

                    @Override
                    public void onFailure(String error) {
                        problem(peer, "answer: " + error);
                    }
                });
            }

            @Override
            public void onFailure(String error) {
                problem(peer, "offer: " + error);
            }
        });
    }

    final void candidate(String peer, String mid, int index, String candidate) {
        RTCPeerConnection pc = peers.get(peer);
        if (pc != null && candidate != null && !candidate.isEmpty()) {
            pc.addIceCandidate(new RTCIceCandidate(mid, index, candidate));
        }
    }

    final void hangup(String peer) {
        RTCPeerConnection pc = peers.remove(peer);
        left(peer);
        if (pc != null) {
            closing(pc);
            pc.close();
        }
    }

    /** Closes every browser's connection. */
    final void hangupAll() {
        for (String peer : List.copyOf(peers.keySet())) {
            hangup(peer);
        }
    }

    private RTCPeerConnection connection(String peer) {
        RTCConfiguration c = new RTCConfiguration();
        c.iceServers = new ArrayList<>(options.iceServers());
        c.iceTransportPolicy = options.relayOnly() ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
        if (options.loopback()) {
            // libwebrtc leaves the loopback interface out; on a machine with only 127.0.0.1 this lets it in
            c.portAllocatorConfig = new PortAllocatorConfig(0, 0,
                    PortAllocatorConfig.PORTALLOCATOR_DISABLE_ADAPTER_ENUMERATION
                            | PortAllocatorConfig.PORTALLOCATOR_ENABLE_SHARED_SOCKET);
        }
        return factory.createPeerConnection(c, new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                send("candidate", Map.of("peer", peer, "mid", String.valueOf(candidate.sdpMid), "index",
                        Integer.toString(candidate.sdpMLineIndex), "candidate", candidate.sdp));
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                send("peer", Map.of("peer", peer, "state", state.name().toLowerCase(java.util.Locale.ROOT)));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                received(peer, transceiver);
            }
        });
    }

    private void problem(String peer, String what) {
        System.err.println("media engine: session " + session + " peer " + peer + ": " + what);
        send("peer", Map.of("peer", peer, "state", "failed", "reason", what));
    }

    /** A message to the hub about this session; the hub gone ends the engine. */
    final void send(String op, Map<String, String> fields) {
        Map<String, String> m = new java.util.LinkedHashMap<>(fields);
        m.put("session", session);
        try {
            wire.send(op, m);
        } catch (IOException e) {
            Runtime.getRuntime().halt(1); // the hub is gone
        }
    }
}
