import { createSocket, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVp8KeyframeStart, readRtpHeader } from '../../../device/media/rtp.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource } from '../../../hal/camera/drivers.ts';
import type { AvSource, AvSourcePorts } from '../../../hal/camera/types.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';

/** GStreamer starting up on a loaded machine: longer than until's default. */
const START_MS = 15_000;

/** Width and height from a baseline/progressive JPEG's SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } | undefined {
  for (let i = 2; i + 9 < jpeg.length; ) {
    if (jpeg[i] !== 0xff) return undefined;
    const marker = jpeg[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2)
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return undefined;
}

describe('GstAvSource (sim camera, real gst-launch)', () => {
  let source: AvSource;
  let ports: AvSourcePorts;
  let video: Socket;
  let audio: Socket;
  let phoneMic: Socket;
  const seen = { video: 0, audio: 0, keyframes: 0, videoSsrcs: new Set<number>() };
  const mic: Buffer[] = [];

  beforeAll(async () => {
    source = createAvSource(cameraConfigSchema.parse({}), {
      clock: new SystemClock(),
      logger: silentLogger,
      restart: { initialDelayMs: 100 },
    });
    ports = await source.start();
    video = createSocket('udp4').bind(ports.video.rtpPort, '127.0.0.1');
    audio = createSocket('udp4').bind(ports.audio.rtpPort, '127.0.0.1');
    video.on('message', (m: Buffer) => {
      const h = readRtpHeader(m)!;
      seen.video++;
      seen.videoSsrcs.add(h.ssrc);
      if (isVp8KeyframeStart(m.subarray(h.payloadOffset))) seen.keyframes++;
    });
    audio.on('message', () => seen.audio++);
    phoneMic = createSocket('udp4').bind(ports.phoneMic.rtpPort, '127.0.0.1');
    phoneMic.on('message', (m: Buffer) => mic.push(m));
  });

  afterAll(async () => {
    await source?.stop();
    video?.close();
    audio?.close();
    phoneMic?.close();
  });

  it('sends video and Opus RTP to its loopback ports with the announced SSRCs and payload types', async () => {
    expect(ports.host).toBe('127.0.0.1');
    expect(new Set([ports.video.rtpPort, ports.video.rtcpPort, ports.audio.rtpPort]).size).toBe(3);
    await until(() => seen.video > 10 && seen.audio > 10, 'video and audio RTP', START_MS);
    expect([...seen.videoSsrcs]).toEqual([ports.video.ssrc]);
  });

  it('sends the microphone again as 8 kHz L16 RTP in packets of at most 20 ms, for the phone leg', async () => {
    await until(() => mic.length > 20, 'L16 microphone RTP', START_MS);
    const headers = mic.slice(0, 20).map((m) => readRtpHeader(m)!);
    for (const h of headers) {
      expect(h.payloadType).toBe(ports.phoneMic.payloadType);
      expect(h.ssrc).toBe(ports.phoneMic.ssrc);
      // 20 ms at 8 kHz is 160 samples of 2 bytes.
      expect(h.payloadLength).toBeLessThanOrEqual(320);
    }
    // The sim microphone's 440 Hz sine at volume 0.2: loud, big-endian samples.
    const samples = mic.slice(5, 20).flatMap((m) => {
      const h = readRtpHeader(m)!;
      const out: number[] = [];
      for (let i = h.payloadOffset; i + 1 < h.payloadOffset + h.payloadLength; i += 2)
        out.push(m.readInt16BE(i));
      return out;
    });
    const peak = Math.max(...samples.map(Math.abs));
    expect(peak).toBeGreaterThan(5000);
    expect(peak).toBeLessThan(8000);
  });

  it('snapshot() gives the newest 320x240 JPEG of the visitor', async () => {
    const jpeg = await until(() => source.snapshot(), 'a snapshot', 10_000);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(jpeg.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(jpegSize(jpeg)).toEqual({ width: 320, height: 240 });
  });

  it('requestKeyframe() sends a PLI that the encoder answers with a keyframe', async () => {
    await until(() => seen.keyframes >= 1, 'the first keyframe', START_MS);
    // The natural interval is 300 frames (10 s): a keyframe within a few seconds is the PLI's.
    await sleep(300);
    const before = seen.keyframes;
    source.requestKeyframe();
    await until(() => seen.keyframes > before, 'a requested keyframe', 5000);
  });

  it('a SIGKILLed pipeline comes back on the same ports and SSRCs', async () => {
    const pid = source.pid!;
    const restarted = new Promise<{ pid: number }>((resolve) => source.events.once('restarted', resolve));
    process.kill(pid, 'SIGKILL');
    const next = await restarted;
    expect(next.pid).not.toBe(pid);
    const before = seen.video;
    await until(() => seen.video > before + 10, 'video after the restart', START_MS);
    expect([...seen.videoSsrcs]).toEqual([ports.video.ssrc]);
    await until(() => source.snapshot(), 'a snapshot from the new run', 10_000);
  });
});
