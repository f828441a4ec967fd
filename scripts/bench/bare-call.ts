/**
 * The reference call of first_frame_ratio_vs_bare: the smallest werift → Chromium call that works, with
 * the media a door-phone call has — VP8 video to the browser and Opus audio both ways, as the panel
 * offers (audio m-line without a track here: no sound flows, as none does while the product rings).
 * The panel's sim camera pipeline (the demo config's camera: same GStreamer VP8 RTP) feeds one werift
 * RTCPeerConnection on this thread — no media process, no MQTT, no keyframe gating, no validation —
 * whose offer a Chromium page answers through page.evaluate. The encoder makes a keyframe only every 10 s unasked,
 * so like any such script it asks for one when the peer connects and whenever the browser sends a PLI.
 * Timed in the page: from the offer's arrival to its first video frame shown (requestVideoFrameCallback,
 * as the resident app times its own first frame). The page is an empty one served from 127.0.0.1, as the
 * app is: on about:blank Chromium in the lab never finishes gathering ICE candidates.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { cameraConfigSchema } from '../../hal/camera/config-schema.ts';
import { createAvSource } from '../../hal/camera/drivers.ts';
import type { AvSource } from '../../hal/camera/types.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { until } from '../lab/until.ts';

/** The page's half, installed as `globalThis.bare` (plain JS: it runs in the browser, not under tsc). */
const PAGE_SCRIPT = `
globalThis.bare = {
  state: null,
  pc: null,
  async answer(offer) {
    const state = { offerAt: performance.timeOrigin + performance.now(), firstFrameAt: null };
    this.state = state;
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.replaceChildren(video);
    pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      video.srcObject = new MediaStream([e.track]);
      video.play().catch(() => {});
    };
    video.requestVideoFrameCallback(() => {
      state.firstFrameAt = performance.timeOrigin + performance.now();
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    // Complete SDP, as the app sends it: wait for gathering, at most 2 s like the app.
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        setTimeout(resolve, 2000);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve();
        });
      });
    }
    return pc.localDescription.sdp;
  },
  close() {
    this.pc?.close();
    document.body.replaceChildren();
  },
};`;

interface BarePage {
  bare: {
    state: { offerAt: number; firstFrameAt: number | null } | null;
    answer(offer: string): Promise<string>;
    close(): void;
  };
}

export class BareCall {
  readonly #source: AvSource;
  readonly #sockets: Socket[];
  readonly #http: Server;
  /** The track of the call in progress; the camera's RTP goes nowhere between calls. */
  #track: MediaStreamTrack | undefined;

  private constructor(source: AvSource, sockets: Socket[], http: Server) {
    this.#source = source;
    this.#sockets = sockets;
    this.#http = http;
    sockets[0]!.on('message', (rtp: Buffer) => this.#track?.writeRtp(rtp));
  }

  static async start(): Promise<BareCall> {
    const camera = demoConfig({ storePath: '', port: 0, installerToken: '' }).intercom?.media?.camera;
    const clock = new SystemClock();
    const source = createAvSource(cameraConfigSchema.parse(camera), { clock, logger: silentLogger });
    const ports = await source.start();
    // The pipeline sends audio too: bound and ignored, as the panel binds it.
    const sockets = [ports.video.rtpPort, ports.audio.rtpPort].map((port) =>
      createSocket('udp4').bind(port, '127.0.0.1'),
    );
    const http = createServer((_req, res) => res.end('<!doctype html><title>bare call</title>'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new BareCall(source, sockets, http);
  }

  /** Opens the empty page in `page`, ready to answer. */
  async prepare(page: Page): Promise<void> {
    await page.goto(`http://127.0.0.1:${(this.#http.address() as AddressInfo).port}/`);
    await page.evaluate(PAGE_SCRIPT);
  }

  /** One call: returns ms from the page receiving the offer to its first frame shown. */
  async call(page: Page): Promise<number> {
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
      iceServers: [],
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      bundlePolicy: 'max-bundle', // as the panel's peers; see device/media/peer.ts
    });
    try {
      const track = new MediaStreamTrack({ kind: 'video' });
      const { sender } = pc.addTransceiver(track, { direction: 'sendonly' });
      pc.addTransceiver('audio', { direction: 'sendrecv' });
      sender.onPictureLossIndication.subscribe(() => this.#source.requestKeyframe());
      pc.connectionStateChange.subscribe((s) => s === 'connected' && this.#source.requestKeyframe());
      this.#track = track;
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete')
        await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
      // Functions given to page.evaluate run in the page: they name its globals, nothing from here.
      const answer = await page.evaluate(
        (offer) => (globalThis as unknown as BarePage).bare.answer(offer),
        pc.localDescription!.sdp,
      );
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      const state = await until(
        () =>
          page.evaluate(() => {
            const { state } = (globalThis as unknown as BarePage).bare;
            return state?.firstFrameAt ? state : null;
          }),
        'the bare call to show its first frame',
      );
      return state.firstFrameAt! - state.offerAt;
    } finally {
      this.#track = undefined;
      await page.evaluate(() => (globalThis as unknown as BarePage).bare.close()).catch(() => undefined);
      await pc.close();
    }
  }

  async stop(): Promise<void> {
    this.#http.closeAllConnections();
    await new Promise((resolve) => this.#http.close(resolve));
    for (const socket of this.#sockets) socket.close();
    await this.#source.stop();
  }
}
