package org.telehub.media.internal.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * A caller that is not a browser: a webrtc-java peer in the test's own process (not the engine's) on the loopback
 * interface, sending its microphone or, as a viewer, only receiving. Its offer and candidates go wherever
 * {@code candidates} sends them.
 *
 * <p>Its microphone is the headless audio module's, which sends silence. A tone pushed with
 * {@code CustomAudioSource.pushAudio} would be better, but in webrtc-java 0.14 the module's capture thread and pushAudio
 * both feed the send stream and the two at once abort the process (devopvoid/webrtc-java#118, fixed in a release
 * that is not on the Maven Central reachable here): that sound is checked with browsers (WebIT), whose fake
 * microphone beeps.
 */
final class Sender implements AutoCloseable {
    private final RTCPeerConnection pc;
    final CompletableFuture<Void> connected = new CompletableFuture<>();

    /** A factory with the headless audio module (never the default one: with no sound card it aborts the JVM). */
    static PeerConnectionFactory factory() {
        return new PeerConnectionFactory(new HeadlessAudioDeviceModule());
    }

    /** A caller sending its (silent) microphone. */
    Sender(PeerConnectionFactory factory, Consumer<RTCIceCandidate> candidates) {
        this(factory, candidates, t -> { }, pc -> pc.addTrack(factory.createAudioTrack("mic",
                factory.createAudioSource(new AudioOptions())), List.of("caller")));
    }

    /**
     * A peer whose media {@code setup} adds before the offer; {@code tracks} gets what the other side sends.
     */
    Sender(PeerConnectionFactory factory, Consumer<RTCIceCandidate> candidates, Consumer<RTCRtpTransceiver> tracks,
            Consumer<RTCPeerConnection> setup) {
        RTCConfiguration c = new RTCConfiguration();
        c.portAllocatorConfig = new PortAllocatorConfig(0, 0,
                PortAllocatorConfig.PORTALLOCATOR_DISABLE_ADAPTER_ENUMERATION
                        | PortAllocatorConfig.PORTALLOCATOR_ENABLE_SHARED_SOCKET);
        pc = factory.createPeerConnection(c, new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                candidates.accept(candidate);
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) {
                    connected.complete(null);
                }
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                tracks.accept(transceiver);
            }
        });
        setup.accept(pc);
    }

    /** The offer, once set locally. */
    String offer() throws Exception {
        CompletableFuture<String> sdp = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                pc.setLocalDescription(d, observer(() -> sdp.complete(d.sdp), sdp));
            }

            @Override
            public void onFailure(String error) {
                sdp.completeExceptionally(new IllegalStateException(error));
            }
        });
        return sdp.get(10, TimeUnit.SECONDS);
    }

    void answer(String sdp) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), observer(() -> done.complete(""),
                done));
        done.get(10, TimeUnit.SECONDS);
    }

    void candidate(String mid, int index, String candidate) {
        pc.addIceCandidate(new RTCIceCandidate(mid, index, candidate));
    }

    @Override
    public void close() {
        pc.close();
    }

    private static SetSessionDescriptionObserver observer(Runnable ok, CompletableFuture<String> f) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                ok.run();
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new IllegalStateException(error));
            }
        };
    }
}
