import { createSocket, type Socket } from 'node:dgram';
import type { RtpPacket } from 'werift';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import { randomSsrc } from '../../hal/camera/ports.ts';
import { pliPacket } from '../../hal/camera/rtcp.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { DtmfDigit } from '../phone/types.ts';
import { KeyframeRequester } from './keyframe.ts';
import { MediaPeer } from './peer.ts';
import { PhoneHost } from './phone-host.ts';
import type { MediaRequest, PeerState, WorkerInit, WorkerStats } from './protocol.ts';
import { isDiscontinuity, isKeyframeStart, type RtpHeaderView, readRtpHeader } from './rtp.ts';
import { checkRemoteCandidate } from './signaling.ts';
import { SparePeers } from './spare-peers.ts';
import { playTone } from './speaker-tone.ts';
import { TalkerRestamper } from './talker.ts';

const MAX_PEERS = 32;

/**
 * The media worker's state: the camera's RTP arrives on two UDP sockets and goes, buffer for buffer,
 * to the peers' outlets: video to every peer that wants it, the microphone to the talker alone (the
 * device that answered; nobody before the answer). Keyframe requests go back to the encoder as RTCP
 * PLI; the talker's audio goes to the speaker pipeline. Runs in the media worker (thread or process), so none of it
 * touches the panel's event loop.
 */
export class FanOut {
  readonly #init: WorkerInit;
  readonly #clock: Clock;
  readonly #onPeerState: (peerId: string, state: PeerState) => void;
  readonly #onLocalCandidate: (peerId: string, candidate: IceCandidate | null) => void;
  readonly #peers = new Map<string, MediaPeer>();
  readonly #keyframes: KeyframeRequester;
  readonly #talk: TalkerRestamper;
  readonly #spares: SparePeers<MediaPeer>;
  #spareCount = 0;
  readonly #unadopted = new WeakSet<MediaPeer>();
  readonly #rtcpSsrc = randomSsrc();
  readonly #ingress = { videoPackets: 0, audioPackets: 0, malformed: 0, sourceChanges: 0 };
  readonly #phone: PhoneHost;
  #video: Socket | undefined;
  #audio: Socket | undefined;
  #phoneMic: Socket | undefined;
  #lastVideo: RtpHeaderView | undefined;
  #lastAudio: RtpHeaderView | undefined;
  #talker: string | null = null;
  #speakerPackets = 0;
  /** The installer's test tone has the speaker (the talker's Opus is kept off it meanwhile). */
  #tone = false;

  constructor(
    init: WorkerInit,
    clock: Clock,
    onPeerState: (peerId: string, state: PeerState) => void,
    onWarning: (message: string) => void = () => {},
    onPhoneDigit: (callId: string, digit: DtmfDigit) => void = () => {},
    onLocalCandidate: (peerId: string, candidate: IceCandidate | null) => void = () => {},
  ) {
    this.#init = init;
    this.#clock = clock;
    this.#onPeerState = onPeerState;
    this.#onLocalCandidate = onLocalCandidate;
    this.#keyframes = new KeyframeRequester({
      clock,
      minIntervalMs: init.keyframeMinIntervalMs,
      send: () =>
        this.#video?.send(pliPacket(this.#rtcpSsrc, init.video.ssrc), init.video.rtcpPort, '127.0.0.1'),
    });
    this.#spares = new SparePeers({
      size: init.sparePeers,
      maxAgeMs: 5 * 60_000,
      refillDelayMs: 500,
      clock,
      make: () => {
        const peer = this.#createPeer(`spare-${++this.#spareCount}`, true);
        this.#unadopted.add(peer);
        return peer;
      },
      onError: (err) => onWarning(`a spare peer could not be made: ${String(err)}`),
    });
    this.#phone = new PhoneHost({
      clock,
      bindAddress: init.phone.bindAddress,
      toSpeaker: (packet) => this.#audio?.send(packet, init.speaker.rtpPort, '127.0.0.1'),
      onDigit: onPhoneDigit,
    });
    this.#talk = new TalkerRestamper({
      clock,
      ssrc: init.speaker.ssrc,
      payloadType: init.speaker.payloadType,
    });
  }

  /** Binds the camera's RTP ports (the pipeline sends there whether or not anyone listens). */
  async start(): Promise<void> {
    this.#video = await bind(this.#init.video.rtpPort);
    this.#audio = await bind(this.#init.audio.rtpPort);
    this.#phoneMic = await bind(this.#init.phone.micRtpPort);
    this.#video.on('message', (packet) => this.#onVideo(packet));
    this.#audio.on('message', (packet) => this.#onAudio(packet));
    this.#phoneMic.on('message', (packet) => this.#phone.microphone(packet));
    this.#spares.start();
  }

  async stop(): Promise<void> {
    this.#keyframes.close();
    await this.#spares.close();
    await Promise.allSettled([...this.#peers.values()].map((p) => p.close()));
    this.#peers.clear();
    await this.#phone.closeAll();
    this.#video?.close();
    this.#audio?.close();
    this.#phoneMic?.close();
  }

  async handle(request: MediaRequest): Promise<unknown> {
    switch (request.type) {
      case 'open-peer': {
        if (this.#peers.has(request.peerId))
          throw new ValidationError(`peer "${request.peerId}" is already open`);
        if (this.#peers.size >= MAX_PEERS) throw new ValidationError(`at most ${MAX_PEERS} peers at a time`);
        const spare = this.#spares.take();
        if (spare) {
          spare.peer.adopt(request.peerId, request.video);
          this.#unadopted.delete(spare.peer);
          this.#peers.set(request.peerId, spare.peer);
          return { sdp: spare.sdp };
        }
        const peer = this.#createPeer(request.peerId, request.video);
        this.#peers.set(peer.id, peer);
        try {
          // No spare ready: the offer goes out at once and its candidates follow (trickle ICE).
          return { sdp: await peer.createOffer(true) };
        } catch (err) {
          this.#peers.delete(peer.id);
          await peer.close();
          throw err;
        }
      }
      case 'accept-answer':
        return this.#peer(request.peerId).acceptAnswer(request.sdp);
      case 'add-candidate': {
        const peer = this.#peer(request.peerId);
        return peer.addCandidate(checkRemoteCandidate(request.candidate, this.#init.loopbackOnly));
      }
      case 'set-video':
        return this.#peer(request.peerId).setVideo(request.enabled);
      case 'set-talker':
        this.#setTalker(request.peerId === null ? null : this.#peer(request.peerId));
        return undefined;
      case 'close-peer': {
        const peer = this.#peer(request.peerId);
        this.#peers.delete(peer.id);
        if (this.#talker === peer.id) this.#talker = null;
        await peer.close();
        return undefined;
      }
      case 'phone.open':
        return this.#phone.open(request.callId);
      case 'phone.start':
        return this.#phone.start(request.callId, request.remote, request.prompt);
      case 'phone.close':
        return this.#phone.close(request.callId);
      case 'mic-level':
        return this.#phone.meter.read();
      case 'speaker-tone': {
        if (this.#tone) throw new ValidationError('the speaker test is already playing');
        this.#tone = true;
        try {
          const send = (packet: Buffer) => {
            this.#speakerPackets++;
            this.#audio?.send(packet, this.#init.speaker.rtpPort, '127.0.0.1');
          };
          await playTone(send, this.#clock, {
            hz: request.hz,
            ms: request.ms,
            ssrc: this.#init.speaker.ssrc,
          });
        } finally {
          this.#tone = false;
        }
        return undefined;
      }
      case 'stats':
        return this.stats();
      case 'shutdown':
        return this.stop();
    }
  }

  stats(): WorkerStats {
    return {
      ingress: { ...this.#ingress },
      keyframes: { requested: { ...this.#keyframes.requested }, sent: this.#keyframes.sent },
      talker: this.#talker,
      speakerPacketsSent: this.#speakerPackets,
      phone: this.#phone.stats(),
      sparePeers: this.#spares.size,
      udpSockets: process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length,
      peers: [...this.#peers.values()].map((p) => ({
        peerId: p.id,
        state: p.state,
        video: p.videoEnabled,
        videoPacketsSent: p.video.packets,
        audioPacketsSent: p.audio.packets,
        audioPacketsReceived: p.audioReceived,
      })),
    };
  }

  #peer(peerId: string): MediaPeer {
    const peer = this.#peers.get(peerId);
    if (!peer) throw new NotFoundError(`no open peer "${peerId}"`);
    return peer;
  }

  #createPeer(peerId: string, video: boolean): MediaPeer {
    const peer: MediaPeer = new MediaPeer(
      peerId,
      {
        codec: this.#init.codec,
        video,
        loopbackOnly: this.#init.loopbackOnly,
        iceServers: this.#init.iceServers,
        clock: this.#clock,
        gatherTimeoutMs: this.#init.gatherTimeoutMs,
      },
      {
        onState: (state) => {
          // Read at the time of the change: a spare peer takes its call's id when it is adopted.
          const id = peer.id;
          // A spare nobody has adopted has no call to report to.
          if (this.#unadopted.has(peer)) return;
          // A peer that failed or was closed by the far end is gone: forget it (close() is idempotent).
          if ((state === 'failed' || state === 'closed') && this.#peers.get(id) === peer) {
            this.#peers.delete(id);
            if (this.#talker === id) this.#talker = null;
            void peer.close();
          }
          this.#onPeerState(id, state);
        },
        onKeyframeNeeded: (reason) => this.#keyframes.request(reason),
        onAudio: (rtp) => this.#onPeerAudio(peer, rtp),
        onLocalCandidate: (candidate) => {
          if (!this.#unadopted.has(peer)) this.#onLocalCandidate(peer.id, candidate);
        },
      },
    );
    return peer;
  }

  #onVideo(packet: Buffer): void {
    const header = readRtpHeader(packet);
    if (!header) {
      this.#ingress.malformed++;
      return;
    }
    this.#ingress.videoPackets++;
    const restarted = isDiscontinuity(this.#lastVideo, header);
    this.#lastVideo = header;
    if (restarted) this.#ingress.sourceChanges++;
    let keyframe: boolean | undefined;
    for (const peer of this.#peers.values()) {
      if (restarted) peer.video.sourceChanged();
      // Parsing the VP8/H.264 payload is needed only while somebody waits for a keyframe.
      if (peer.video.waitingForKeyframe) keyframe ??= isKeyframeStart(this.#init.codec, packet, header);
      peer.video.push(packet, keyframe ?? false);
    }
  }

  #onAudio(packet: Buffer): void {
    const header = readRtpHeader(packet);
    if (!header) {
      this.#ingress.malformed++;
      return;
    }
    this.#ingress.audioPackets++;
    const restarted = isDiscontinuity(this.#lastAudio, header);
    this.#lastAudio = header;
    // The microphone goes to the talker alone (the device that answered), never to a device that is
    // only ringing. An outlet that opens later marks its own gap, so only the talker needs the restart.
    const talker = this.#talker === null ? undefined : this.#peers.get(this.#talker);
    if (!talker) return;
    if (restarted) talker.audio.sourceChanged();
    talker.audio.push(packet, true);
  }

  /** One talker at most: the old one stops getting the microphone before the new one starts. */
  #setTalker(peer: MediaPeer | null): void {
    const previous = this.#talker === null ? undefined : this.#peers.get(this.#talker);
    if (previous && previous !== peer) previous.setTalking(false);
    this.#talker = peer?.id ?? null;
    peer?.setTalking(true);
  }

  #onPeerAudio(peer: MediaPeer, rtp: RtpPacket): void {
    peer.audioReceived++;
    if (this.#talker !== peer.id || this.#peers.get(peer.id) !== peer) return;
    // During a phone call the speaker plays the phone (its pipeline is switched to G.711 then).
    if (this.#phone.active || this.#tone) return;
    const out = this.#talk.restamp(rtp.serialize(), `${peer.id}/${rtp.header.ssrc}`);
    if (!out) return;
    this.#speakerPackets++;
    this.#audio?.send(out, this.#init.speaker.rtpPort, '127.0.0.1');
  }
}

function bind(port: number): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
