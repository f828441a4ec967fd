import {
  MediaStreamTrack,
  type RTCPeerConnection as Pc,
  PictureLossIndication,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RtcpPacket,
  RtcpPayloadSpecificFeedback,
  type RtpPacket,
} from 'werift';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import type { VideoCodec } from '../../hal/camera/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { ValidationError } from '../../lib/errors.ts';
import { weriftIceOptions } from './ice-servers.ts';
import type { KeyframeReason } from './keyframe.ts';
import { RtpOutlet } from './outlet.ts';
import type { IceServer, PeerState } from './protocol.ts';
import { checkAnswerSdp, isLoopback, keepLoopbackCandidates } from './signaling.ts';

export interface PeerOptions {
  codec: VideoCodec;
  video: boolean;
  loopbackOnly: boolean;
  iceServers: IceServer[];
  clock: Clock;
  gatherTimeoutMs: number;
}

export interface PeerHooks {
  onState(state: PeerState): void;
  onKeyframeNeeded(reason: KeyframeReason): void;
  /** RTP from this peer's microphone. */
  onAudio(packet: RtpPacket): void;
  /**
   * A candidate gathered after a trickled offer was handed out (createOffer(true)); null: gathering is
   * done (end-of-candidates).
   */
  onLocalCandidate(candidate: IceCandidate | null): void;
}

const FIR_FMT = 4;
/** Longest the far end's candidates wait for our TURN allocation (see #relayReady). */
export const RELAY_WAIT_MS = 1000;
const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];

/** Only the codec the camera pipeline produces is offered: the panel never transcodes. */
function videoCodec(codec: VideoCodec): RTCRtpCodecParameters {
  return codec === 'vp8'
    ? new RTCRtpCodecParameters({
        mimeType: 'video/VP8',
        clockRate: 90000,
        payloadType: 96,
        rtcpFeedback: feedback,
      })
    : new RTCRtpCodecParameters({
        mimeType: 'video/H264',
        clockRate: 90000,
        payloadType: 96,
        rtcpFeedback: feedback,
        parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      });
}

const opus = () =>
  new RTCRtpCodecParameters({
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    payloadType: 111,
    parameters: 'minptime=10;useinbandfec=1',
  });

/**
 * One viewer: a werift peer connection offering the shared video (send only) and two-way audio. The
 * panel is the offerer. A spare peer's offer, made before anybody rings, is complete (all candidates
 * gathered); an offer made at ring time goes out once the first candidate is gathered (trickle ICE), and
 * every candidate not in it follows through onLocalCandidate (werift writes candidates into its
 * description only when gathering ends, so usually all of them): STUN and TURN answers take a round trip
 * to the server each, which on a real network would hold the offer back for tens of milliseconds or more.
 * Audio is negotiated both ways from the offer on, but the panel sends its microphone only while the
 * peer is the talker (setTalking): rung devices get the visitor's video alone until one answers.
 */
export class MediaPeer {
  #id: string;
  #adopted = false;
  readonly video: RtpOutlet;
  readonly audio: RtpOutlet;
  readonly #pc: Pc;
  readonly #o: PeerOptions;
  readonly #hooks: PeerHooks;
  readonly #videoSsrc: number;
  readonly #watchedTransports = new Set<object>();
  #videoEnabled: boolean;
  /** Whether this peer answered: only then does it get the panel's microphone (see setTalking). */
  #talking = false;
  #lastFirSeq: number | undefined;
  /** Candidates gathered so far; after a trickled offer is out, new ones go to onLocalCandidate. */
  readonly #gatheredCandidates: IceCandidate[] = [];
  #trickling = false;
  /**
   * Pending while a trickled offer's TURN allocation is under way. werift 0.25.2 pairs its relay only
   * with remote candidates added after the allocation succeeded (ice.js: the TURN protocol is never
   * paired with the ones it knows already), so a candidate of the app that came first — its
   * server-reflexive address, the one a symmetric NAT lets through our relay — would never be tried
   * through the relay, and the call could fail (the WAN lab: a third of trickled calls). The app's
   * candidates wait for the end of our gathering instead, at most RELAY_WAIT_MS: a relay that slow (a
   * far or lossy TURN server) must not hold the direct paths back, and is left to werift's behaviour.
   * Waiting only for the relay candidate itself was not enough: werift reports it before the
   * allocation's bookkeeping is done, and about one trickled call in six across the lab still had ICE
   * connected at the browser but never at the panel (3 of 19 trickled calls in the WAN lab at 2 % loss;
   * none of 16 with the wait to the end of gathering, where one had ICE connected at both ends and still
   * no picture — not explained).
   */
  #relayReady: Promise<void> | null = null;
  #gatheringEnded: (() => void) | null = null;
  state: PeerState = 'new';
  /** RTP packets received from this peer's microphone. */
  audioReceived = 0;

  constructor(id: string, options: PeerOptions, hooks: PeerHooks) {
    this.#id = id;
    this.#o = options;
    this.#hooks = hooks;
    this.#videoEnabled = options.video;
    const loopback = options.loopbackOnly;
    this.#pc = new RTCPeerConnection({
      codecs: { video: [videoCodec(options.codec)], audio: [opus()] },
      // Never werift's default STUN server (a third party, and a 5 s wait where it is out of reach).
      ...weriftIceOptions(options.iceServers),
      iceUseIpv6: !loopback,
      // One ICE transport for video and audio. Without max-bundle werift gathers a second transport
      // for audio, drops it when the answer bundles, and never closes its UDP socket (one fd leaked per
      // call, werift 0.25); engine.test.ts counts the sockets.
      bundlePolicy: 'max-bundle',
      ...(loopback
        ? {
            iceAdditionalHostAddresses: ['127.0.0.1'],
            iceFilterCandidatePair: (pair) =>
              isLoopback(pair.localCandidate.host) && isLoopback(pair.remoteCandidate.host),
          }
        : {}),
    });
    // Separate track objects per peer: a sender keeps per-track state (codec, NACK cache).
    const videoTrack = new MediaStreamTrack({ kind: 'video' });
    const audioTrack = new MediaStreamTrack({ kind: 'audio' });
    const videoT = this.#pc.addTransceiver(videoTrack, { direction: 'sendonly' });
    const audioT = this.#pc.addTransceiver(audioTrack, { direction: 'sendrecv' });
    this.#videoSsrc = videoT.sender.ssrc;
    const clock = options.clock;
    this.video = new RtpOutlet({
      track: videoTrack,
      sender: videoT.sender,
      clock,
      clockRate: 90000,
      startAtKeyframe: true,
    });
    this.audio = new RtpOutlet({
      track: audioTrack,
      sender: audioT.sender,
      clock,
      clockRate: 48000,
      startAtKeyframe: false,
    });
    audioT.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => hooks.onAudio(rtp));
    });
    this.#pc.connectionStateChange.subscribe((state) => this.#onState(state));
    this.#pc.onIceCandidate.subscribe((candidate) => this.#onLocalCandidate(candidate));
  }

  get id(): string {
    return this.#id;
  }

  /** A spare peer (made before the ring, see spare-peers.ts) becomes the call's peer `id`. */
  adopt(id: string, video: boolean): void {
    if (this.#adopted || this.state !== 'new') throw new Error(`peer ${this.#id} cannot be adopted twice`);
    this.#adopted = true;
    this.#id = id;
    this.#videoEnabled = video;
  }

  get videoEnabled(): boolean {
    return this.#videoEnabled;
  }

  /**
   * The offer. trickle false: once every candidate is gathered (or the gathering timeout). trickle true:
   * as soon as the first candidate is there; the others follow through onLocalCandidate.
   */
  async createOffer(trickle = false): Promise<string> {
    // werift's setLocalDescription resolves only when gathering is complete; the description itself is
    // set (and candidates are reported) before that.
    const set = this.#pc.setLocalDescription(await this.#pc.createOffer());
    if (trickle) {
      set.catch(() => undefined);
      this.#awaitRelay();
      await Promise.race([set, this.#firstCandidate()]);
    } else {
      await set;
      await this.#gathered();
    }
    const raw = this.#pc.localDescription?.sdp ?? '';
    const sdp = this.#o.loopbackOnly ? keepLoopbackCandidates(raw) : raw;
    if (trickle) {
      this.#trickling = true;
      // Candidates gathered while the offer was being read and not in it go out first.
      for (const c of this.#gatheredCandidates)
        if (!sdp.includes(c.candidate.replace(/^candidate:/, ''))) this.#hooks.onLocalCandidate(c);
      if (this.#pc.iceGatheringState === 'complete') this.#hooks.onLocalCandidate(null);
    }
    return sdp;
  }

  async acceptAnswer(sdp: string): Promise<void> {
    if (this.#pc.signalingState !== 'have-local-offer') {
      throw new ValidationError(
        `peer is not waiting for an answer (signaling state ${this.#pc.signalingState})`,
      );
    }
    checkAnswerSdp(sdp, 2);
    try {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (err) {
      throw new ValidationError(`SDP answer rejected: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A candidate checkRemoteCandidate let through (it fills in the media id and line index). */
  async addCandidate(candidate: IceCandidate): Promise<void> {
    // Candidates queue in arrival order behind the same promise.
    if (this.#relayReady) await this.#relayReady;
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (err) {
      throw new ValidationError(
        `ICE candidate rejected: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  setVideo(enabled: boolean): void {
    this.#videoEnabled = enabled;
    if (!enabled) {
      this.video.close();
      return;
    }
    if (this.state !== 'connected' || this.video.isOpen) return;
    this.video.open();
    this.#hooks.onKeyframeNeeded('video-resumed');
  }

  /**
   * The panel's microphone reaches a peer only once it answered the call: before that (early media)
   * every rung device sees the visitor but must not hear the entrance. Gated here, where the packets
   * are written, so no SDP direction a modified client might send can open it.
   */
  setTalking(talking: boolean): void {
    this.#talking = talking;
    if (!talking) this.audio.close();
    else if (this.state === 'connected') this.audio.open();
  }

  async close(): Promise<void> {
    this.#talking = false;
    this.video.close();
    this.audio.close();
    await this.#pc.close();
  }

  #onState(state: PeerState): void {
    this.state = state;
    if (state === 'connected') {
      this.#watchRtcp();
      if (this.#talking) this.audio.open();
      if (this.#videoEnabled && !this.video.isOpen) {
        this.video.open();
        this.#hooks.onKeyframeNeeded('peer-connected');
      }
    } else if (state === 'failed' || state === 'closed') {
      this.video.close();
      this.audio.close();
    }
    this.#hooks.onState(state);
  }

  /**
   * PLI/FIR straight from the DTLS transport, matched on the media SSRC they name. werift (0.24 and
   * still 0.25.2) routes payload-specific feedback by the *sender* SSRC first, so when the viewer also
   * sends audio its video PLIs go to our audio receiver and the video sender never hears of them.
   */
  #watchRtcp(): void {
    for (const transport of this.#pc.dtlsTransports) {
      if (this.#watchedTransports.has(transport)) continue;
      this.#watchedTransports.add(transport);
      transport.onRtcp.subscribe((packet) => this.#onRtcp(packet));
    }
  }

  #onRtcp(packet: RtcpPacket): void {
    if (!(packet instanceof RtcpPayloadSpecificFeedback) || !this.video.isOpen) return;
    const fb = packet.feedback;
    if (fb instanceof PictureLossIndication && fb.mediaSsrc === this.#videoSsrc) {
      this.#hooks.onKeyframeNeeded('pli');
    } else if (fb.count === FIR_FMT) {
      // werift parses FIR (FMT 4) but does not export its class.
      const entries = (fb as unknown as { fir: { ssrc: number; sequenceNumber: number }[] }).fir;
      const entry = entries.find((e) => e.ssrc === this.#videoSsrc);
      // RFC 5104 4.3.1.2: a repeated FIR (same sequence number) asks for the same keyframe again.
      if (entry && entry.sequenceNumber !== this.#lastFirSeq) {
        this.#lastFirSeq = entry.sequenceNumber;
        this.#hooks.onKeyframeNeeded('fir');
      }
    }
  }

  #onLocalCandidate(
    candidate: { candidate?: string; sdpMid?: string; sdpMLineIndex?: number } | undefined,
  ): void {
    if (!candidate) {
      this.#gatheringEnded?.();
      if (this.#trickling) this.#hooks.onLocalCandidate(null);
      return;
    }
    if (!candidate.candidate) return;
    const init: IceCandidate = {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? 0,
    };
    if (this.#o.loopbackOnly && !isLoopback(init.candidate.split(' ')[4] ?? '')) return;
    this.#gatheredCandidates.push(init);
    if (this.#trickling) this.#hooks.onLocalCandidate(init);
  }

  /** Sets #relayReady if our gathering (with a TURN allocation) is still under way (see there). */
  #awaitRelay(): void {
    const turn = this.#o.iceServers.some((s) => /^turns?:/i.test(s.urls));
    if (!turn || this.#pc.iceGatheringState === 'complete') return;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = this.#o.clock.setTimeout(resolve, RELAY_WAIT_MS);
    this.#gatheringEnded = resolve;
    this.#relayReady = promise.finally(() => {
      this.#o.clock.clearTimeout(timer);
      this.#gatheringEnded = null;
      this.#relayReady = null;
    });
  }

  #firstCandidate(): Promise<void> {
    if (this.#gatheredCandidates.length > 0) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const { unSubscribe } = this.#pc.onIceCandidate.subscribe(() => {
      unSubscribe();
      resolve();
    });
    // Never longer than a full gathering would take.
    const timer = this.#o.clock.setTimeout(resolve, this.#o.gatherTimeoutMs);
    return promise.finally(() => {
      unSubscribe();
      this.#o.clock.clearTimeout(timer);
    });
  }

  async #gathered(): Promise<void> {
    if (this.#pc.iceGatheringState === 'complete') return;
    const { promise, resolve } = Promise.withResolvers<void>();
    const { unSubscribe } = this.#pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') resolve();
    });
    const timer = this.#o.clock.setTimeout(resolve, this.#o.gatherTimeoutMs);
    await promise;
    unSubscribe();
    this.#o.clock.clearTimeout(timer);
  }
}
