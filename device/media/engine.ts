import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import { randomSsrc } from '../../hal/camera/ports.ts';
import type { AvSource, Speaker, SpeakerStats } from '../../hal/camera/types.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { ValidationError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { PhoneMediaFactory, PhoneMediaLeg } from '../phone/types.ts';
import type { MediaIsolation } from './media-link.ts';
import type { MicLevelReading } from './mic-meter.ts';
import { PhoneLegProxy } from './phone-leg-proxy.ts';
import {
  type CandidateInit,
  type IceServer,
  type MediaRequest,
  type PeerState,
  requestSchema,
  type WorkerInit,
  type WorkerStats,
} from './protocol.ts';
import { SpeakerDemand } from './speaker-demand.ts';
import { MediaError, WorkerChannel } from './worker-channel.ts';

export { MediaError } from './worker-channel.ts';

export interface MediaEngineOptions {
  source: AvSource;
  speaker: Speaker;
  clock: Clock;
  logger: Logger;
  /** All viewers share the encoder: keyframe requests at most this often (default 200 ms). */
  keyframeMinIntervalMs?: number;
  /** Every worker request is answered or fails after this long (default 10 s). */
  requestTimeoutMs?: number;
  /**
   * true (default): ICE only over 127.0.0.0/8 — the simulator, tests, and a browser on the panel itself;
   * remote candidates elsewhere are refused. false: every interface, plus `iceServers` (STUN/TURN).
   */
  loopbackOnly?: boolean;
  iceServers?: IceServer[];
  /** Peers with their offers made ahead of the ring, so an offer follows the ring at once (default 4). */
  sparePeers?: number;
  /** Upper bound for gathering our ICE candidates before the offer is returned (default 5 s). */
  gatherTimeoutMs?: number;
  /** First delay before restarting a crashed worker; doubles on each failed start (default 1 s). */
  workerRestartDelayMs?: number;
  /** Niceness of the media thread or process: door control outranks video when the CPU is short (default 5). */
  nice?: number;
  /** Where werift runs: a worker thread of this process (default) or a process of its own (media-link.ts). */
  isolation?: MediaIsolation;
  /** How long the speaker pipeline stays up after its last peer or phone leg (default 30 s). */
  speakerLingerMs?: number;
  /** The address the phone fallback's RTP socket binds (the one the SDP offer names; default 127.0.0.1). */
  phoneBindAddress?: string;
  /** The worker's entry file (default: media-worker.ts beside this file, media-worker.js in the bundle). */
  workerUrl?: URL;
}

export interface MediaEngineEvents {
  [event: string]: unknown;
  'peer-state': { peerId: string; state: PeerState };
  /** One of the panel's candidates for a peer whose offer went out before gathering ended; null: done. */
  'local-candidate': { peerId: string; candidate: IceCandidate | null };
  'source-restarted': { pid: number; restarts: number };
  'source-failed': { reason: string };
  'speaker-failed': { reason: string };
  /** The worker crashed: its peers are gone (each got a 'closed' peer-state); a new one is starting. */
  'worker-crashed': { reason: string };
  'worker-restarted': { restarts: number };
}

export interface MediaStats extends WorkerStats {
  speaker: SpeakerStats;
  sourcePid: number | undefined;
  /** The media process (werift); a new one after each restart. For a media thread, the panel's own pid. */
  mediaPid: number | undefined;
  mediaIsolation: MediaIsolation | undefined;
  workerRestarts: number;
}

// Running from source the worker is a .ts file; in the rolldown bundle it is its own entry beside cli.js.
const defaultWorkerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./media-worker.ts', import.meta.url)
  : new URL('./media-worker.js', import.meta.url);

/**
 * WebRTC for the door phone, run in a media worker (thread or process) of its own so that SRTP and RTP
 * fan-out never delay the main event loop (card taps, doors). One encoded video stream (the AvSource) goes to every peer,
 * the microphone to the talker alone; the talker's audio goes to the Speaker. The panel is always the
 * offerer.
 */
export class MediaEngine {
  readonly events = new SafeEmitter<MediaEngineEvents>();
  readonly #o: MediaEngineOptions;
  #init: WorkerInit | undefined;
  #channel: WorkerChannel | undefined;
  #running = false;
  #restartTimer: TimerHandle | undefined;
  #restartDelayMs = 0;
  #workerRestarts = 0;
  readonly #peers = new Set<string>();
  readonly #phoneLegs = new Map<string, PhoneLegProxy>();
  /** MediaEngine as the phone fallback's PhoneMediaFactory. */
  readonly phoneMedia: PhoneMediaFactory = { open: (callId) => this.openPhoneLeg(callId) };
  readonly #unsubscribe: Array<() => void> = [];
  readonly #speakerDemand: SpeakerDemand;

  constructor(options: MediaEngineOptions) {
    this.#o = options;
    this.#speakerDemand = new SpeakerDemand(
      options.speaker,
      options.clock,
      options.logger,
      options.speakerLingerMs,
    );
  }

  async start(): Promise<void> {
    const { source, speaker } = this.#o;
    const ports = await source.start();
    try {
      // Reserved now, started with the first ring (speaker-demand.ts).
      const speakerPorts = await speaker.ports();
      this.#speakerDemand.open();
      this.#init = {
        codec: ports.video.codec,
        video: { rtpPort: ports.video.rtpPort, rtcpPort: ports.video.rtcpPort, ssrc: ports.video.ssrc },
        audio: { rtpPort: ports.audio.rtpPort },
        speaker: { rtpPort: speakerPorts.rtpPort, payloadType: speakerPorts.payloadType, ssrc: randomSsrc() },
        phone: { bindAddress: this.#o.phoneBindAddress ?? '127.0.0.1', micRtpPort: ports.phoneMic.rtpPort },
        keyframeMinIntervalMs: this.#o.keyframeMinIntervalMs ?? 200,
        loopbackOnly: this.#o.loopbackOnly ?? true,
        iceServers: this.#o.iceServers ?? [],
        gatherTimeoutMs: this.#o.gatherTimeoutMs ?? 5000,
        sparePeers: this.#o.sparePeers ?? 4,
      };
      this.#unsubscribe.push(
        source.events.on('restarted', (e) => this.events.emit('source-restarted', e)),
        source.events.on('failed', (e) => this.events.emit('source-failed', e)),
        speaker.events.on('failed', (e) => this.events.emit('speaker-failed', e)),
      );
      this.#channel = await this.#openWorker();
      this.#running = true;
    } catch (err) {
      await this.#teardown();
      throw err;
    }
  }

  /** Closes every peer, ends the worker, then the speaker and camera pipelines (reverse of start). */
  async stop(): Promise<void> {
    await this.#teardown();
  }

  /**
   * Creates a peer and returns the panel's offer: a spare's is complete; one made now carries the first
   * candidates and the rest follow as 'local-candidate' events (trickle ICE).
   */
  async openPeer(peerId: string, options: { video: boolean }): Promise<{ sdp: string }> {
    const request = { type: 'open-peer', peerId, video: options?.video } as MediaRequest;
    const result = (await this.#call(request)) as { sdp: string };
    this.#peers.add(peerId);
    // Not awaited: the offer goes out now, the speaker is up long before anyone answers.
    void this.#speakerDemand.acquire(`peer:${peerId}`);
    return result;
  }

  async acceptAnswer(peerId: string, sdp: string): Promise<void> {
    await this.#call({ type: 'accept-answer', peerId, sdp });
  }

  /** Trickled candidate from the far end. A bad or (loopback-only) non-127 one is refused, harmlessly. */
  async addRemoteCandidate(peerId: string, candidate: CandidateInit): Promise<void> {
    await this.#call({ type: 'add-candidate', peerId, candidate });
  }

  /** false: the peer gets no video RTP at all (audio only); true: video resumes at a fresh keyframe. */
  async setVideo(peerId: string, enabled: boolean): Promise<void> {
    await this.#call({ type: 'set-video', peerId, enabled });
  }

  /**
   * The talker: the one peer (the device that answered) whose audio plays on the panel's speaker and
   * the only one that gets the panel's microphone; undefined: nobody. Until a talker is set, peers get
   * video alone (early media never carries the entrance's sound).
   */
  async setTalker(peerId: string | undefined): Promise<void> {
    await this.#call({ type: 'set-talker', peerId: peerId ?? null });
  }

  async closePeer(peerId: string): Promise<void> {
    await this.#call({ type: 'close-peer', peerId });
    this.#peerGone(peerId);
  }

  /**
   * A phone RTP leg in the media worker, bound to a fresh port for the SIP offer. Its digits arrive as
   * 'digit' events on the returned leg; while it is started the speaker plays the phone.
   */
  async openPhoneLeg(callId: string): Promise<PhoneMediaLeg> {
    const local = (await this.#call({ type: 'phone.open', callId })) as { address: string; port: number };
    const leg = new PhoneLegProxy(callId, local, {
      call: (request) => this.#call(request),
      speaker: this.#o.speaker,
      logger: this.#o.logger,
      onClosed: (id) => {
        if (this.#phoneLegs.get(id) === leg) this.#phoneLegs.delete(id);
        this.#speakerDemand.release(`phone:${id}`);
      },
      otherLegStarted: (id) => [...this.#phoneLegs.values()].some((l) => l.callId !== id && l.started),
    });
    this.#phoneLegs.set(callId, leg);
    void this.#speakerDemand.acquire(`phone:${callId}`);
    return leg;
  }

  /** WebRTC peers open now (metrics: read at a scrape, no round trip to the media worker). */
  get peerCount(): number {
    return this.#peers.size;
  }

  async stats(): Promise<MediaStats> {
    const worker = (await this.#call({ type: 'stats' })) as WorkerStats;
    return {
      ...worker,
      speaker: this.#o.speaker.stats(),
      sourcePid: this.#o.source.pid,
      mediaPid: this.#channel?.pid,
      mediaIsolation: this.#channel?.isolation,
      workerRestarts: this.#workerRestarts,
    };
  }

  /** The microphone's level over the last 300 ms (installer self-test). */
  async micLevel(): Promise<MicLevelReading> {
    return (await this.#call({ type: 'mic-level' })) as MicLevelReading;
  }

  /**
   * The installer's speaker test: the speaker switched to G.711 (as for a phone call), a 1 kHz tone for
   * `ms`, and back to Opus. Refused while a phone leg is open (it has the speaker).
   */
  async speakerTone(ms = 1000): Promise<void> {
    if (this.#phoneLegs.size > 0) throw new ValidationError('a phone call has the speaker');
    const { speaker } = this.#o;
    await this.#speakerDemand.acquire('tone');
    try {
      await speaker.setCodec('pcmu');
      try {
        await this.#call({ type: 'speaker-tone', hz: 1000, ms });
      } finally {
        await speaker.setCodec('opus');
      }
    } finally {
      this.#speakerDemand.release('tone');
    }
  }

  /** The newest still of the visitor (JPEG), e.g. for a missed-call notice. */
  snapshot(): Promise<Buffer | undefined> {
    return this.#o.source.snapshot();
  }

  #call(request: MediaRequest): Promise<unknown> {
    const parsed = requestSchema.safeParse(request);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
      return Promise.reject(
        new ValidationError(`invalid ${request.type} call: ${issues.join('; ')}`, issues),
      );
    }
    if (!this.#channel) {
      const why = this.#running ? 'the media worker is restarting' : 'the media engine is not running';
      return Promise.reject(new MediaError(`cannot ${request.type}: ${why}`));
    }
    return this.#channel.request(parsed.data, this.#o.requestTimeoutMs ?? 10_000);
  }

  async #openWorker(): Promise<WorkerChannel> {
    const channel = await WorkerChannel.open({
      isolation: this.#o.isolation ?? 'thread',
      url: this.#o.workerUrl ?? defaultWorkerUrl,
      init: this.#init!,
      clock: this.#o.clock,
      readyTimeoutMs: this.#o.requestTimeoutMs ?? 10_000,
      nice: this.#o.nice ?? 5,
    });
    const log = this.#o.logger.child({ mediaWorker: channel.pid });
    channel.events.on('peer-state', ({ peerId, state }) => {
      if (state === 'failed' || state === 'closed') this.#peerGone(peerId);
      this.events.emit('peer-state', { peerId, state });
    });
    channel.events.on('local-candidate', (e) => this.events.emit('local-candidate', e));
    channel.events.on('warning', ({ message }) => log.warn(message));
    channel.events.on('phone-digit', ({ callId, digit }) => this.#phoneLegs.get(callId)?.digit(digit));
    channel.events.on('crashed', ({ reason }) => this.#onCrash(channel, reason));
    return channel;
  }

  #onCrash(channel: WorkerChannel, reason: string): void {
    if (this.#channel !== channel) return;
    this.#channel = undefined;
    this.#o.logger.error({ reason }, 'media worker crashed; restarting it');
    for (const peerId of [...this.#peers]) {
      this.#peerGone(peerId);
      this.events.emit('peer-state', { peerId, state: 'closed' });
    }
    // The phone legs died with the worker: the call goes on without media until the dialer hangs up.
    for (const leg of this.#phoneLegs.values()) void leg.close();
    this.events.emit('worker-crashed', { reason });
    this.#restartDelayMs = this.#o.workerRestartDelayMs ?? 1000;
    this.#scheduleRestart();
  }

  #peerGone(peerId: string): void {
    this.#peers.delete(peerId);
    this.#speakerDemand.release(`peer:${peerId}`);
  }

  #scheduleRestart(): void {
    this.#restartTimer = this.#o.clock.setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#running) return;
      this.#openWorker().then(
        (channel) => {
          if (!this.#running) return void channel.close();
          this.#channel = channel;
          this.#workerRestarts++;
          this.events.emit('worker-restarted', { restarts: this.#workerRestarts });
        },
        (err: unknown) => {
          this.#o.logger.error({ err }, 'media worker restart failed; trying again');
          this.#restartDelayMs = Math.min(30_000, this.#restartDelayMs * 2);
          this.#scheduleRestart();
        },
      );
    }, this.#restartDelayMs);
  }

  async #teardown(): Promise<void> {
    this.#running = false;
    this.#o.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const channel = this.#channel;
    this.#channel = undefined;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#peers.clear();
    this.#phoneLegs.clear();
    await this.#speakerDemand.close();
    if (channel) {
      await channel.request({ type: 'shutdown' }, 2000).catch(() => undefined);
      await channel.close();
    }
    await this.#o.speaker.stop();
    // Stopped, so no restart: the next start plays Opus again even if a phone call had the speaker.
    await this.#o.speaker.setCodec('opus');
    await this.#o.source.stop();
  }
}
