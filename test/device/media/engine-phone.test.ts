import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaEngine } from '../../../device/media/engine.ts';
import { decodeG711 } from '../../../device/phone/media/g711.ts';
import { buildTelephoneEvent } from '../../../device/phone/media/rfc4733.ts';
import type { DtmfDigit, PhoneMediaLeg } from '../../../device/phone/types.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import type { Speaker } from '../../../hal/camera/types.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS } from './harness.ts';

// The phone leg end to end inside the panel's media stack: the sim camera's microphone (real
// gst-launch), the media process, the sim speaker (real gst-launch) and a UDP socket as the phone.
let engine: MediaEngine;
let speaker: Speaker;
let phone: Socket;
const fromPanel: Buffer[] = [];

function rtp(pt: number, seq: number, ts: number, payload: Buffer, ssrc = 0x0fe1): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}

const peak = (packet: Buffer) => Math.max(...decodeG711('pcmu', packet.subarray(12)).map(Math.abs));

beforeAll(async () => {
  const clock = new SystemClock();
  const deps = { clock, logger: silentLogger, restart: { initialDelayMs: 200 } };
  speaker = createSpeaker({ driver: 'sim' }, deps);
  engine = new MediaEngine({
    source: createAvSource(cameraConfigSchema.parse({}), deps),
    speaker,
    clock,
    logger: silentLogger,
    sparePeers: 0,
  });
  await engine.start();
  phone = createSocket('udp4');
  phone.on('message', (m) => fromPanel.push(m));
  await new Promise<void>((resolve) => phone.bind(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  phone?.close();
  await engine?.stop();
}, 30_000);

describe('MediaEngine phone legs (media process, real pipelines)', { timeout: 60_000 }, () => {
  let leg: PhoneMediaLeg;
  const digits: Array<DtmfDigit & { at: number }> = [];

  it('opens a leg on a fresh port and refuses bad requests', async () => {
    leg = await engine.phoneMedia.open('call-1');
    leg.events.on('digit', (d) => digits.push({ ...d, at: performance.now() }));
    expect(leg.local.address).toBe('127.0.0.1');
    expect(leg.local.port).toBeGreaterThan(0);
    await expect(engine.openPhoneLeg('call-1')).rejects.toThrow(/already open/);
    await expect(engine.openPhoneLeg('bad id with spaces')).rejects.toThrow(ValidationError);
    expect(() => leg.start({ address: 'not-an-ip', port: 1, codec: 'pcmu', telephoneEventPt: 101 })).toThrow(
      ValidationError,
    );
    expect((await engine.stats()).phone.legs).toMatchObject([{ callId: 'call-1', started: false }]);
  });

  it('sends the prompt, then the visitor’s microphone, to the phone as G.711', async () => {
    // 200 ms of a quiet 1 kHz prompt; the sim microphone is a loud 440 Hz sine.
    const prompt = Buffer.alloc(3200);
    for (let i = 0; i < 1600; i++)
      prompt.writeInt16LE(Math.round(1000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)), i * 2);
    leg.start(
      { address: '127.0.0.1', port: phone.address().port, codec: 'pcmu', telephoneEventPt: 101 },
      { pcm: prompt },
    );
    await until(() => fromPanel.length >= 40, '40 packets at the phone', MEDIA_WAIT_MS);
    expect(fromPanel.slice(0, 10).map((p) => p[1]! & 0x7f)).toEqual(new Array(10).fill(0));
    for (const p of fromPanel.slice(1, 9)) expect(peak(p)).toBeLessThan(1200);
    // After the prompt: the microphone (0.2 × full scale ≈ 6500), not silence.
    await until(
      () => fromPanel.slice(10).filter((p) => peak(p) > 5000).length >= 10,
      'the microphone at the phone',
      MEDIA_WAIT_MS,
    );
  });

  it('reports RFC 4733 digits across the IPC, and plays the phone’s audio on the speaker (G.711)', async () => {
    // The phone talks: µ-law from its own port; the speaker was switched to PCMU for the call.
    let seq = 0;
    const silence = Buffer.alloc(160, 0xff);
    const before = speaker.stats().packets;
    await until(
      () => {
        phone.send(rtp(0, ++seq, seq * 160, silence), leg.local.port, '127.0.0.1');
        return speaker.stats().ssrcs.includes(0x0fe1) && speaker.stats().packets > before + 20;
      },
      'the phone’s audio at the speaker',
      MEDIA_WAIT_MS,
      20,
    );
    // Digits: the end packet (sent 3×) is when the digit counts. Latency from the first end packet
    // to the digit in the panel process, as a figure (not asserted: the machine is shared).
    const latencies: number[] = [];
    for (let n = 0; n < 20; n++) {
      const ts = 100_000 + n * 1600;
      const count = digits.length;
      phone.send(
        rtp(101, ++seq, ts, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 400 })),
        leg.local.port,
        '127.0.0.1',
      );
      const sentAt = performance.now();
      for (let i = 0; i < 3; i++) {
        phone.send(
          rtp(101, ++seq, ts, buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 })),
          leg.local.port,
          '127.0.0.1',
        );
      }
      await until(() => digits.length > count, `digit ${n + 1}`, MEDIA_WAIT_MS, 1);
      latencies.push(digits.at(-1)!.at - sentAt);
    }
    expect(digits.map((d) => `${d.digit}/${d.source}`)).toEqual(new Array(20).fill('5/rfc4733'));
    latencies.sort((a, b) => a - b);
    console.log(
      `phone digit: RTP end packet → panel process p50 ${latencies[10]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`,
    );
  });

  it('drops a stranger’s digits, and on close the speaker returns to Opus', async () => {
    const stranger = createSocket('udp4');
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve));
    const count = digits.length;
    for (let i = 0; i < 3; i++) {
      stranger.send(
        rtp(101, i, 999_000, buildTelephoneEvent({ event: 8, end: true, volume: 10, duration: 800 })),
        leg.local.port,
        '127.0.0.1',
      );
    }
    await until(
      async () => (await engine.stats()).phone.legs[0]!.dropped >= 3,
      'the stranger’s packets dropped',
      MEDIA_WAIT_MS,
    );
    stranger.close();
    expect(digits.length).toBe(count);
    const stats = await engine.stats();
    expect(stats.phone.micPackets).toBeGreaterThan(50);
    expect(stats.phone.legs[0]).toMatchObject({ callId: 'call-1', started: true });
    await leg.close();
    await leg.close();
    expect((await engine.stats()).phone.legs).toEqual([]);
    expect(speaker.codec).toBe('opus');
  });
});
