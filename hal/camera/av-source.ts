import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock/clock.ts';
import { HardwareError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CameraConfig } from './config-schema.ts';
import { GstProcess, type RestartPolicy } from './gst-process.ts';
import {
  AUDIO_PAYLOAD_TYPE,
  avSourcePipeline,
  launchArgs,
  PHONE_MIC_PAYLOAD_TYPE,
  VIDEO_PAYLOAD_TYPE,
} from './pipelines.ts';
import { freeUdpPorts, randomSsrc } from './ports.ts';
import { pliPacket } from './rtcp.ts';
import { clearSnapshots, newestJpeg } from './snapshot.ts';
import type { AvSource, AvSourcePorts, MediaProcessEvents } from './types.ts';

export interface GstAvSourceOptions {
  config: CameraConfig;
  clock: Clock;
  logger: Logger;
  restart?: Partial<RestartPolicy>;
  gstLaunch?: string;
}

/**
 * Camera + microphone as one supervised gst-launch pipeline. Ports and SSRCs are chosen once per object
 * and reused by every restart (and by a stop/start), so the consumer's sockets keep receiving and a PLI
 * always names the right SSRC.
 */
export class GstAvSource implements AvSource {
  readonly events = new SafeEmitter<MediaProcessEvents>();
  readonly #o: GstAvSourceOptions;
  readonly #ssrcs = { video: randomSsrc(), audio: randomSsrc(), phoneMic: randomSsrc() };
  readonly #rtcpSsrc = randomSsrc();
  #ports: AvSourcePorts | undefined;
  #process: GstProcess | undefined;
  #snapshotDir: string | undefined;
  #rtcp: Socket | undefined;

  constructor(options: GstAvSourceOptions) {
    this.#o = options;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  async start(): Promise<AvSourcePorts> {
    if (this.#process) throw new HardwareError('camera pipeline already started');
    const ports = await this.#allocatePorts();
    this.#snapshotDir = mkdtempSync(join(tmpdir(), 'portvakt-snap-'));
    const description = avSourcePipeline(this.#o.config, {
      videoRtpPort: ports.video.rtpPort,
      audioRtpPort: ports.audio.rtpPort,
      rtcpPort: ports.video.rtcpPort,
      videoSsrc: ports.video.ssrc,
      audioSsrc: ports.audio.ssrc,
      phoneMicRtpPort: ports.phoneMic.rtpPort,
      phoneMicSsrc: ports.phoneMic.ssrc,
      snapshotDir: this.#snapshotDir,
    });
    const pipeline = new GstProcess({
      name: 'camera',
      args: launchArgs(description),
      clock: this.#o.clock,
      logger: this.#o.logger,
      ...(this.#o.restart ? { restart: this.#o.restart } : {}),
      ...(this.#o.gstLaunch ? { gstLaunch: this.#o.gstLaunch } : {}),
    });
    const snapshotDir = this.#snapshotDir;
    pipeline.events.on('exit', (e) => {
      void clearSnapshots(snapshotDir);
      this.events.emit('exit', e);
    });
    pipeline.events.on('restarted', (e) => this.events.emit('restarted', e));
    pipeline.events.on('failed', (e) => this.events.emit('failed', e));
    this.#process = pipeline;
    this.#rtcp = createSocket('udp4');
    this.#rtcp.on('error', (err) => this.#o.logger.warn({ err }, 'camera RTCP socket error'));
    this.#rtcp.unref();
    try {
      await pipeline.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    return ports;
  }

  async stop(): Promise<void> {
    const pipeline = this.#process;
    this.#process = undefined;
    await pipeline?.stop();
    pipeline?.events.removeAllListeners();
    this.#rtcp?.close();
    this.#rtcp = undefined;
    if (this.#snapshotDir) rmSync(this.#snapshotDir, { recursive: true, force: true });
    this.#snapshotDir = undefined;
  }

  requestKeyframe(): void {
    if (!this.#rtcp || !this.#ports) return;
    const { rtcpPort, ssrc } = this.#ports.video;
    this.#rtcp.send(pliPacket(this.#rtcpSsrc, ssrc), rtcpPort, '127.0.0.1');
  }

  async snapshot(): Promise<Buffer | undefined> {
    return this.#snapshotDir ? newestJpeg(this.#snapshotDir) : undefined;
  }

  async #allocatePorts(): Promise<AvSourcePorts> {
    if (!this.#ports) {
      const [videoRtp, audioRtp, rtcp, phoneMicRtp] = (await freeUdpPorts(4)) as [
        number,
        number,
        number,
        number,
      ];
      this.#ports = {
        host: '127.0.0.1',
        video: {
          rtpPort: videoRtp,
          rtcpPort: rtcp,
          ssrc: this.#ssrcs.video,
          codec: this.#o.config.codec,
          payloadType: VIDEO_PAYLOAD_TYPE,
          clockRate: 90000,
        },
        audio: {
          rtpPort: audioRtp,
          ssrc: this.#ssrcs.audio,
          payloadType: AUDIO_PAYLOAD_TYPE,
          clockRate: 48000,
        },
        phoneMic: {
          rtpPort: phoneMicRtp,
          ssrc: this.#ssrcs.phoneMic,
          payloadType: PHONE_MIC_PAYLOAD_TYPE,
          clockRate: 8000,
        },
      };
    }
    return this.#ports;
  }
}
