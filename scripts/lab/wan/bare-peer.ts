/**
 * The reference of wan_first_frame_ratio_vs_bare: the smallest correct werift → Chromium call, run
 * where panel-media.ts runs (the panel namespace) instead of the product's MediaEngine: the sim camera's
 * VP8 RTP into one werift RTCPeerConnection on this thread, no media process, no spare peers, no
 * validation, and a keyframe when the peer connects or Chromium sends a PLI, as any such script does.
 * "Correct" on a real network means what any werift sender must do there, and nothing the product adds:
 *  - the ICE servers are the ones the product gets (the caller passes the same list to both) and the
 *    list names a STUN server: werift's default otherwise is stun.l.google.com, which the lab cannot
 *    reach, so every bare offer waited out werift's 5 s STUN timeout (the first ratio's bare p50 of
 *    5.8 s measured that timeout, not a call);
 *  - werift's own complete offer (setLocalDescription returns when gathering is done: ~2 round trips
 *    to coturn for the relay). Not a trickled one: werift 0.25.2 pairs its relay only with remote
 *    candidates that arrive after the allocation, so a trickled werift offer fails whenever the app's
 *    candidates win that race (2 of 6 trickled calls in the lab); the product works around it
 *    (MediaPeer holds them), a bare call would have to copy that;
 *  - candidates with an mDNS name (the browser's hidden host address) are not handed to werift: its
 *    multicast lookup waits 10 s for an answer that cannot come from beyond a NAT, and a lookup that
 *    starts while the answer is applied holds the whole call (the first p99 of 10.8 s).
 * The product's extra (spare peers with offers gathered before the ring, the media process, checks)
 * is what the ratio measures.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import type { IceServer } from '../../../device/media/protocol.ts';
import type { AvSource } from '../../../hal/camera/types.ts';

export class BarePeers {
  readonly #source: AvSource;
  readonly #iceServers: IceServer[];
  readonly #socket: Socket;
  readonly #audioSocket: Socket;
  readonly #peers = new Map<string, { pc: RTCPeerConnection; track: MediaStreamTrack }>();

  private constructor(source: AvSource, iceServers: IceServer[], socket: Socket, audioSocket: Socket) {
    this.#source = source;
    this.#iceServers = iceServers;
    this.#socket = socket;
    this.#audioSocket = audioSocket;
    socket.on('message', (rtp: Buffer) => {
      for (const { track } of this.#peers.values()) track.writeRtp(rtp);
    });
  }

  static async start(source: AvSource, iceServers: IceServer[]): Promise<BarePeers> {
    const ports = await source.start();
    const bind = (port: number) =>
      new Promise<Socket>((resolve) => {
        const s = createSocket('udp4');
        s.bind(port, '127.0.0.1', () => resolve(s));
      });
    return new BarePeers(
      source,
      iceServers,
      await bind(ports.video.rtpPort),
      await bind(ports.audio.rtpPort),
    );
  }

  async open(peerId: string, onState: (state: string) => void): Promise<string> {
    const pc = new RTCPeerConnection({
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          }),
        ],
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      },
      iceServers: this.#iceServers,
      iceUseIpv6: false,
      bundlePolicy: 'max-bundle',
    });
    const track = new MediaStreamTrack({ kind: 'video' });
    const { sender } = pc.addTransceiver(track, { direction: 'sendonly' });
    pc.addTransceiver('audio', { direction: 'sendrecv' });
    sender.onPictureLossIndication.subscribe(() => this.#source.requestKeyframe());
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.#source.requestKeyframe();
      onState(s);
    });
    this.#peers.set(peerId, { pc, track });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription?.sdp ?? '';
  }

  async answer(peerId: string, sdp: string): Promise<void> {
    await this.#peers.get(peerId)?.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async candidate(
    peerId: string,
    candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null },
  ): Promise<void> {
    if (/ \S+\.local /.test(candidate.candidate)) return;
    await this.#peers.get(peerId)?.pc.addIceCandidate({
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? undefined,
      sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
    });
  }

  async close(peerId: string): Promise<void> {
    const peer = this.#peers.get(peerId);
    this.#peers.delete(peerId);
    await peer?.pc.close();
  }

  async stop(): Promise<void> {
    for (const id of [...this.#peers.keys()]) await this.close(id);
    this.#socket.close();
    this.#audioSocket.close();
    await this.#source.stop();
  }
}
