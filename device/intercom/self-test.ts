/**
 * The intercom's media as installer mode tests it: the camera's latest still, the microphone's level and
 * a speaker test tone. Present whenever the intercom is configured; each answers "unavailable" (or
 * throws a clear error) while the media stack is starting, down, or busy with a call.
 */
import { PortvaktError } from '../../lib/errors.ts';
import type { MicLevelReading } from '../media/mic-meter.ts';

export type { MicLevelReading } from '../media/mic-meter.ts';

export interface IntercomSelfTest {
  /** The camera's newest still (JPEG); undefined when there is no camera picture. */
  snapshot(): Promise<Buffer | undefined>;
  micLevel(): Promise<MicLevelReading>;
  /** A ~1 s 1 kHz tone through the speaker; refused (PortvaktError) while a call is on. */
  speakerTest(): Promise<void>;
}

/** What the running media engine offers (start-intercom.ts); undefined while it is not up. */
export interface MediaTestPort {
  snapshot(): Promise<Buffer | undefined>;
  micLevel(): Promise<MicLevelReading>;
  speakerTone(ms: number): Promise<void>;
}

export const NO_MIC: MicLevelReading = { available: false, peakDbfs: null, rmsDbfs: null, windowMs: 300 };

export function intercomSelfTest(deps: {
  media: () => MediaTestPort | undefined;
  /** Whether a call (ringing, connected, a phone leg) is on: the speaker is the call's then. */
  callActive: () => boolean;
}): IntercomSelfTest {
  let playing = false;
  return {
    snapshot: async () => deps.media()?.snapshot(),
    micLevel: async () => (await deps.media()?.micLevel()) ?? NO_MIC,
    speakerTest: async () => {
      const media = deps.media();
      if (!media)
        throw new PortvaktError(
          'media_unavailable',
          'the speaker is not running (camera and audio are down)',
        );
      if (deps.callActive())
        throw new PortvaktError('call_active', 'a call is on: the speaker test waits until it ends');
      if (playing) throw new PortvaktError('speaker_busy', 'the speaker test is already playing');
      playing = true;
      try {
        await media.speakerTone(1000);
      } finally {
        playing = false;
      }
    },
  };
}
