import type { Clock } from '../../lib/clock/clock.ts';
import { HardwareError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { SpeakerConfig } from './config-schema.ts';
import { GstProcess, type RestartPolicy } from './gst-process.ts';
import { AUDIO_PAYLOAD_TYPE, launchArgs, speakerPipeline } from './pipelines.ts';
import { freeUdpPorts } from './ports.ts';
import type { MediaProcessEvents, Speaker, SpeakerCodec, SpeakerPorts, SpeakerStats } from './types.ts';

export interface GstSpeakerOptions {
  config: SpeakerConfig;
  clock: Clock;
  logger: Logger;
  restart?: Partial<RestartPolicy>;
  gstLaunch?: string;
}

/**
 * Counts RTP packets in an RFC 4571 stream (2-byte big-endian length, then the packet), as the sim
 * speaker pipeline's rtpstreampay writes them to stdout. Chunks may split a frame anywhere.
 */
export class Rfc4571Counter {
  packets = 0;
  readonly ssrcs = new Set<number>();
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    let data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (data.length >= 2) {
      const length = data.readUInt16BE(0);
      if (data.length < 2 + length) break;
      if (length >= 12) this.ssrcs.add(data.readUInt32BE(2 + 8));
      this.packets++;
      data = data.subarray(2 + length);
    }
    this.#pending = Buffer.from(data);
  }

  reset(): void {
    this.#pending = Buffer.alloc(0);
  }
}

/** The speaker as one supervised gst-launch pipeline listening on a fixed loopback port. */
export class GstSpeaker implements Speaker {
  readonly events = new SafeEmitter<MediaProcessEvents>();
  readonly #o: GstSpeakerOptions;
  readonly #counter = new Rfc4571Counter();
  #port: number | undefined;
  #process: GstProcess | undefined;
  #codec: SpeakerCodec = 'opus';
  /** setCodec calls run one after another (each a stop and a start of the child). */
  #switching: Promise<void> = Promise.resolve();

  constructor(options: GstSpeakerOptions) {
    this.#o = options;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  async ports(): Promise<SpeakerPorts> {
    this.#port ??= (await freeUdpPorts(1))[0]!;
    return { host: '127.0.0.1', rtpPort: this.#port, payloadType: AUDIO_PAYLOAD_TYPE };
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  async start(): Promise<SpeakerPorts> {
    if (this.#process) throw new HardwareError('speaker pipeline already started');
    const ports = await this.ports();
    const counter = this.#counter;
    const pipeline = new GstProcess({
      name: 'speaker',
      args: launchArgs(speakerPipeline(this.#o.config, ports.rtpPort, this.#codec)),
      clock: this.#o.clock,
      logger: this.#o.logger,
      ...(this.#o.restart ? { restart: this.#o.restart } : {}),
      ...(this.#o.gstLaunch ? { gstLaunch: this.#o.gstLaunch } : {}),
      ...(this.#o.config.driver === 'sim' ? { onStdout: (chunk: Buffer) => counter.push(chunk) } : {}),
    });
    // A restarted child starts a fresh stream: drop the half frame the dead one may have left.
    pipeline.events.on('exit', (e) => {
      counter.reset();
      this.events.emit('exit', e);
    });
    pipeline.events.on('restarted', (e) => this.events.emit('restarted', e));
    pipeline.events.on('failed', (e) => this.events.emit('failed', e));
    this.#process = pipeline;
    try {
      await pipeline.start();
    } catch (err) {
      // A codec switch may have replaced it meanwhile: only forget our own child.
      if (this.#process === pipeline) this.#process = undefined;
      throw err;
    }
    return ports;
  }

  async stop(): Promise<void> {
    const pipeline = this.#process;
    this.#process = undefined;
    await pipeline?.stop();
    pipeline?.events.removeAllListeners();
  }

  setCodec(codec: SpeakerCodec): Promise<void> {
    const next = this.#switching.then(async () => {
      if (codec === this.#codec) return;
      this.#codec = codec;
      if (!this.#process) return;
      // GStreamer cannot change udpsrc caps in a running gst-launch: a new child with the new caps
      // takes the same port. The counter carries on, so a test can still prove arrival across it.
      await this.stop();
      await this.start();
    });
    this.#switching = next.catch(() => {});
    return next;
  }

  get codec(): SpeakerCodec {
    return this.#codec;
  }

  stats(): SpeakerStats {
    return { packets: this.#counter.packets, ssrcs: [...this.#counter.ssrcs] };
  }
}
