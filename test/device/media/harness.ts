/**
 * A running MediaEngine on the sim camera (real gst-launch, real media process) with werift viewers in
 * a separate process. Each test file starts one and stops it (every process by PID).
 */
import { afterAll, beforeAll } from 'vitest';
import { MediaEngine, type MediaEngineOptions } from '../../../device/media/engine.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import type { AvSource, Speaker, VideoCodec } from '../../../hal/camera/types.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { ReceiverProcess } from '../../../scripts/bench/media-receiver-client.ts';

/** How long media waits may take: GStreamer, the media worker and werift viewers share two busy cores. */
export const MEDIA_WAIT_MS = 20_000;

/** Resolves when `peerId` reaches `state`; rejects after `timeoutMs`. */
export function peerState(
  engine: MediaEngine,
  peerId: string,
  state: string,
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${peerId} not ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.events.on('peer-state', (e) => {
      if (e.peerId !== peerId || e.state !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

export interface Harness {
  engine: MediaEngine;
  source: AvSource;
  speaker: Speaker;
  viewers: ReceiverProcess;
  /** Opens a peer, answers it from the viewer process and waits until it is connected. */
  connect(peerId: string, video?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export type HarnessOptions = Partial<
  Pick<MediaEngineOptions, 'workerUrl' | 'workerRestartDelayMs' | 'sparePeers' | 'isolation'>
>;

export async function startHarness(codec: VideoCodec, options: HarnessOptions = {}): Promise<Harness> {
  const clock = new SystemClock();
  const deps = { clock, logger: silentLogger, restart: { initialDelayMs: 200 } };
  const source = createAvSource(cameraConfigSchema.parse({ codec }), deps);
  const speaker = createSpeaker({ driver: 'sim' }, deps);
  const engine = new MediaEngine({ source, speaker, clock, logger: silentLogger, ...options });
  await engine.start();
  let viewers: ReceiverProcess;
  try {
    viewers = await ReceiverProcess.start();
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return {
    engine,
    source,
    speaker,
    viewers,
    async connect(peerId, video = true) {
      const connected = peerState(engine, peerId, 'connected');
      const { sdp } = await engine.openPeer(peerId, { video });
      await engine.acceptAnswer(peerId, await viewers.answer(peerId, sdp));
      await connected;
    },
    async stop() {
      await viewers.stop();
      await engine.stop();
    },
  };
}

/**
 * One harness for the whole test file, started before its first test and stopped after its last. The
 * object is filled in by beforeAll, so the file can name it at the top level.
 */
export function useHarness(codec: VideoCodec, options: HarnessOptions = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(codec, options));
  }, 60_000);
  afterAll(async () => {
    await h.stop?.();
  }, 30_000);
  return h;
}
