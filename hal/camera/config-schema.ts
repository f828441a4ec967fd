/**
 * The media part of the device config (camera, microphone, speaker) as a zod fragment. device/config/schema.ts
 * hooks `mediaConfigSchema` in, so the file's TypeScript type, defaults, JSON Schema and error messages
 * come from here like everything else in the config.
 */
import { z } from 'zod';

/** An ALSA device ("hw:1,0", "plughw:CARD=Device") or a V4L2 / libcamera device name: no shell, no spaces. */
const deviceName = z
  .string()
  .regex(/^[A-Za-z0-9_./:,=@-]{1,128}$/, 'must be 1-128 chars of A-Z, a-z, 0-9 and _ . / : , = @ -');

export const microphoneConfigSchema = z
  .object({
    driver: z
      .enum(['sim', 'alsa'])
      .default('sim')
      .describe('sim: a test tone (audiotestsrc); alsa: a capture device'),
    device: deviceName.optional().describe('ALSA capture device, e.g. "plughw:CARD=Device" (alsa only)'),
  })
  .strict();

export const cameraConfigSchema = z
  .object({
    driver: z
      .enum(['sim', 'v4l2', 'libcamera'])
      .default('sim')
      .describe('sim: test picture; v4l2: USB camera (/dev/videoN); libcamera: Raspberry Pi camera module'),
    device: deviceName
      .optional()
      .describe(
        'v4l2: device path (default /dev/video0); libcamera: camera name (default: the first camera)',
      ),
    codec: z
      .enum(['vp8', 'h264'])
      .default('vp8')
      .describe('the one encoded stream every viewer shares (H.264 is constrained baseline)'),
    encoder: z
      .enum(['software', 'v4l2'])
      .default('software')
      .describe(
        'software: vp8enc / x264enc (any machine, Pi 5); v4l2: the Pi 4 hardware H.264 encoder (v4l2h264enc, h264 only)',
      ),
    width: z.number().int().min(160).max(1920).default(640),
    height: z.number().int().min(120).max(1080).default(480),
    fps: z.number().int().min(1).max(60).default(30),
    bitrateKbps: z.number().int().min(100).max(8000).default(1000).describe('target video bitrate'),
    keyframeInterval: z
      .number()
      .int()
      .min(30)
      .max(3000)
      .default(300)
      .describe('frames between unrequested keyframes; viewers ask for one (PLI) when they need it'),
    testPattern: z
      .enum(['ball', 'bars', 'snow'])
      .default('ball')
      .describe(
        'sim driver only: ball (little motion, ~150 kbit/s), bars (moving colour bars, ~the full bitrate like a real camera), snow (noise: the encoder overshoots many times)',
      ),
    audio: microphoneConfigSchema.default({ driver: 'sim' }).describe('the microphone sent to every viewer'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.encoder === 'v4l2' && c.codec !== 'h264')
      ctx.addIssue({
        code: 'custom',
        path: ['encoder'],
        message: 'the v4l2 hardware encoder does H.264 only',
      });
    if (c.audio.driver === 'sim' && c.audio.device !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['audio', 'device'],
        message: 'the sim microphone takes no device',
      });
  });

export const speakerConfigSchema = z
  .object({
    driver: z
      .enum(['sim', 'alsa'])
      .default('sim')
      .describe('sim: decode and discard (packets still counted); alsa: a playback device'),
    device: deviceName.optional().describe('ALSA playback device, e.g. "plughw:CARD=Device" (alsa only)'),
  })
  .strict();

export const mediaConfigSchema = z
  .object({
    camera: cameraConfigSchema.default(() => cameraConfigSchema.parse({})),
    speaker: speakerConfigSchema.default({ driver: 'sim' }),
  })
  .strict();

export type CameraConfig = z.output<typeof cameraConfigSchema>;
export type MicrophoneConfig = z.output<typeof microphoneConfigSchema>;
export type SpeakerConfig = z.output<typeof speakerConfigSchema>;
export type MediaConfig = z.output<typeof mediaConfigSchema>;
/** What a config file may say (defaults not yet applied). */
export type CameraConfigInput = z.input<typeof cameraConfigSchema>;
