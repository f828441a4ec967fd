/**
 * One werift viewer that answers a panel's offer: what the media tests, the fan-out bench and the
 * 8-peer tap bench use as a far end. Like a browser with a microphone, it answers audio sendrecv; its
 * RTCP then names its own audio SSRC as sender, which is what exposes werift's PLI routing.
 */
import {
  MediaStreamTrack,
  PictureLossIndication,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RtpPacket,
} from 'werift';
import { isH264KeyframeStart, isVp8KeyframeStart } from '../../device/media/rtp.ts';

export interface ReceiverPeerStats {
  state: string;
  videoPackets: number;
  audioPackets: number;
  videoFrames: number;
  keyframes: number;
  /** Whether the very first video packet started a keyframe (undefined before any video). */
  firstVideoIsKeyframe: boolean | undefined;
  /** After 'mark': whether the next video packet started a keyframe. */
  markedIsKeyframe: boolean | undefined;
  audioSent: number;
}

const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];
// Opus "silence" frame: TOC 0xF8 (CELT fullband 20 ms, mono, one frame) + two bytes; decodes to silence.
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export class Receiver {
  readonly pc = new RTCPeerConnection({
    codecs: {
      video: [
        new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: feedback }),
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          rtcpFeedback: feedback,
          parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) =>
      pair.localCandidate.host.startsWith('127.') && pair.remoteCandidate.host.startsWith('127.'),
  });
  readonly stats: ReceiverPeerStats = {
    state: 'new',
    videoPackets: 0,
    audioPackets: 0,
    videoFrames: 0,
    keyframes: 0,
    firstVideoIsKeyframe: undefined,
    markedIsKeyframe: undefined,
    audioSent: 0,
  };
  readonly mic = new MediaStreamTrack({ kind: 'audio' });
  #marked = false;
  #remoteVideoSsrc = 0;
  #lastKeyframeTs: number | undefined;
  #talk: NodeJS.Timeout | undefined;
  #audio: RTCRtpTransceiver | undefined;

  async answer(offer: string): Promise<string> {
    this.pc.connectionStateChange.subscribe((s) => {
      this.stats.state = s;
    });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) =>
        track.kind === 'video' ? this.#onVideo(rtp, track) : this.#onAudio(),
      );
    });
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    this.#audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (this.#audio) {
      await this.#audio.sender.replaceTrack(this.mic);
      this.#audio.setDirection('sendrecv');
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    if (this.pc.iceGatheringState !== 'complete') {
      await this.pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000).catch(() => undefined);
    }
    return this.pc.localDescription!.sdp;
  }

  mark(): void {
    this.#marked = true;
    this.stats.markedIsKeyframe = undefined;
  }

  /** A PLI the way Chrome sends one: sender SSRC = its own (audio) sender, media SSRC = our video. */
  async pli(): Promise<void> {
    const transport = this.pc.dtlsTransports[0];
    if (!transport || !this.#audio || !this.#remoteVideoSsrc) throw new Error('not receiving video yet');
    const feedback = new PictureLossIndication({
      senderSsrc: this.#audio.sender.ssrc,
      mediaSsrc: this.#remoteVideoSsrc,
    });
    await transport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback })]);
  }

  /**
   * A FIR (RFC 5104, PSFB FMT 4) built by hand: werift parses FIR but does not export a class to build
   * one. Media SSRC in the common header is 0; the FCI names our video SSRC and a sequence number.
   */
  async fir(sequenceNumber: number): Promise<void> {
    const transport = this.pc.dtlsTransports[0];
    if (!transport || !this.#audio || !this.#remoteVideoSsrc) throw new Error('not receiving video yet');
    const packet = Buffer.alloc(20);
    packet[0] = 0x84;
    packet[1] = 206;
    packet.writeUInt16BE(4, 2);
    packet.writeUInt32BE(this.#audio.sender.ssrc, 4);
    packet.writeUInt32BE(this.#remoteVideoSsrc, 12);
    packet[16] = sequenceNumber & 0xff;
    await transport.sendRtcp([{ serialize: () => packet } as unknown as RtcpPayloadSpecificFeedback]);
  }

  talk(on: boolean): void {
    clearInterval(this.#talk);
    this.#talk = undefined;
    if (!on) return;
    let seq = 1;
    let ts = 0;
    this.#talk = setInterval(() => {
      const header = new RtpHeader({
        payloadType: 111,
        sequenceNumber: seq,
        timestamp: ts,
        ssrc: 1,
        marker: seq === 1,
      });
      this.mic.writeRtp(new RtpPacket(header, OPUS_SILENCE));
      seq = (seq + 1) & 0xffff;
      ts = (ts + 960) >>> 0;
      this.stats.audioSent++;
    }, 20);
  }

  async close(): Promise<void> {
    this.talk(false);
    await this.pc.close();
  }

  #onVideo(rtp: RtpPacket, track: MediaStreamTrack): void {
    this.#remoteVideoSsrc = rtp.header.ssrc;
    const h264 = track.codec?.mimeType.toLowerCase() === 'video/h264';
    const keyframe = h264 ? isH264KeyframeStart(rtp.payload) : isVp8KeyframeStart(rtp.payload);
    this.stats.videoPackets++;
    if (rtp.header.marker) this.stats.videoFrames++;
    // H.264 keyframes start twice (SPS, then the IDR's first fragment): count one per frame timestamp.
    if (keyframe && rtp.header.timestamp !== this.#lastKeyframeTs) {
      this.#lastKeyframeTs = rtp.header.timestamp;
      this.stats.keyframes++;
    }
    this.stats.firstVideoIsKeyframe ??= keyframe;
    if (this.#marked) {
      this.#marked = false;
      this.stats.markedIsKeyframe = keyframe;
    }
  }

  #onAudio(): void {
    this.stats.audioPackets++;
  }
}
