/**
 * The media half of a fake panel: GStreamer test sources (VP8 video, Opus audio) sent as RTP to loopback
 * UDP, forwarded into a werift peer connection that offers them to the resident app the way the panel
 * does (video send-only, audio both ways). It counts the audio packets the app sends back, to prove the
 * app sends no microphone audio before the resident accepts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { holdsWithin } from '../../../scripts/lab/until.ts';

export class FakeMediaPanel {
  audioPacketsFromApp = 0;
  readonly #pc: RTCPeerConnection;
  readonly #video = new MediaStreamTrack({ kind: 'video' });
  readonly #audio = new MediaStreamTrack({ kind: 'audio' });
  #gst: ChildProcess | undefined;
  readonly #sockets: Socket[] = [];

  constructor() {
    this.#pc = new RTCPeerConnection({
      codecs: {
        video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96 })],
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: 48_000,
            channels: 2,
            payloadType: 111,
          }),
        ],
      },
      iceAdditionalHostAddresses: ['127.0.0.1'],
      bundlePolicy: 'max-bundle', // as the panel's peers; see device/media/peer.ts
      iceUseIpv6: false,
    });
    this.#pc.addTransceiver(this.#video, { direction: 'sendonly' });
    const audio = this.#pc.addTransceiver(this.#audio, { direction: 'sendrecv' });
    audio.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe(() => {
        this.audioPacketsFromApp++;
      }),
    );
  }

  /** Starts the test sources; their RTP goes into the peer connection's tracks. */
  async start(): Promise<void> {
    const videoPort = await this.#receive(this.#video);
    const audioPort = await this.#receive(this.#audio);
    const pipeline =
      'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert ! ' +
      'vp8enc deadline=1 cpu-used=8 keyframe-max-dist=15 lag-in-frames=0 end-usage=cbr target-bitrate=300000 ! ' +
      `rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! udpsink host=127.0.0.1 port=${videoPort} ` +
      'audiotestsrc is-live=true wave=sine volume=0.2 ! audioconvert ! audioresample ! opusenc frame-size=20 ! ' +
      `rtpopuspay pt=111 ! udpsink host=127.0.0.1 port=${audioPort}`;
    this.#gst = spawn('gst-launch-1.0', ['-q', ...pipeline.split(' ')], { stdio: 'ignore' });
  }

  /** The complete offer (every candidate in it), as the panel sends it after `ring`. */
  async offer(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    // At most 5 s: then the offer goes out with the candidates gathered so far.
    await holdsWithin(() => this.#pc.iceGatheringState === 'complete', 5000);
    return this.#pc.localDescription!.sdp;
  }

  async answer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async stop(): Promise<void> {
    this.#gst?.kill('SIGKILL');
    for (const s of this.#sockets) s.close();
    await this.#pc.close();
  }

  async #receive(track: MediaStreamTrack): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (buf) => track.writeRtp(buf));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.#sockets.push(socket);
    return (socket.address() as AddressInfo).port;
  }
}
