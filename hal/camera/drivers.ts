/**
 * Camera, microphone and speaker by the driver names used in config (`media.camera.driver`,
 * `media.camera.audio.driver`, `media.speaker.driver`). Every driver is a GStreamer pipeline; the
 * tables in pipelines.ts say which elements each name stands for.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { GstAvSource } from './av-source.ts';
import type { CameraConfig, SpeakerConfig } from './config-schema.ts';
import type { RestartPolicy } from './gst-process.ts';
import { microphoneDrivers, pickDriver, speakerSinkDrivers, videoSourceDrivers } from './pipelines.ts';
import { GstSpeaker } from './speaker.ts';
import type { AvSource, Speaker } from './types.ts';

export interface MediaDriverDeps {
  clock: Clock;
  logger: Logger;
  restart?: Partial<RestartPolicy>;
  /** Path of gst-launch-1.0 (default: looked up on PATH). */
  gstLaunch?: string;
}

const optional = (deps: MediaDriverDeps) => ({
  ...(deps.restart ? { restart: deps.restart } : {}),
  ...(deps.gstLaunch ? { gstLaunch: deps.gstLaunch } : {}),
});

/** Camera + microphone. Unknown driver names fail here, before anything is spawned. */
export function createAvSource(config: CameraConfig, deps: MediaDriverDeps): AvSource {
  pickDriver(videoSourceDrivers, config.driver, 'camera driver');
  pickDriver(microphoneDrivers, config.audio.driver, 'microphone driver');
  const logger = deps.logger.child({ camera: config.driver, microphone: config.audio.driver });
  return new GstAvSource({ config, clock: deps.clock, logger, ...optional(deps) });
}

export function createSpeaker(config: SpeakerConfig, deps: MediaDriverDeps): Speaker {
  pickDriver(speakerSinkDrivers, config.driver, 'speaker driver');
  const logger = deps.logger.child({ speaker: config.driver });
  return new GstSpeaker({ config, clock: deps.clock, logger, ...optional(deps) });
}
