import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from '../../../device/phone/media/g711.ts';
import { buildTelephoneEvent } from '../../../device/phone/media/rfc4733.ts';
import { PhoneRtpLeg } from '../../../device/phone/media/rtp-leg.ts';
import type { DtmfDigit, G711Codec } from '../../../device/phone/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { until } from '../../../scripts/lab/until.ts';
import { concat, dtmfTone, silence } from '../../support/audio-signals.ts';
import { readPcapUdp } from '../../support/pcap.ts';

const TE_PT = 101;
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A real UDP socket on loopback standing in for the phone: records what it receives. */
async function phone(): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, port: socket.address().port, received };
}

async function leg(clock = new FakeClock()) {
  const audio: Array<{ packet: Buffer; codec: G711Codec }> = [];
  const l = await PhoneRtpLeg.open({
    address: '127.0.0.1',
    clock,
    onPhoneAudio: (packet, codec) => audio.push({ packet, codec }),
  });
  closers.push(() => l.close());
  const digits: DtmfDigit[] = [];
  l.events.on('digit', (d) => digits.push(d));
  return { leg: l, clock, digits, audio };
}

function rtp(pt: number, seq: number, ts: number, payload: Buffer, ssrc = 0x1234, marker = false): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}

const send = (s: Socket, packet: Buffer, port: number) =>
  new Promise<void>((resolve, reject) =>
    s.send(packet, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );

function s16le(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => {
    b.writeInt16LE(v, i * 2);
  });
  return b;
}

describe('PhoneRtpLeg', () => {
  it('sends the prompt, then the microphone, then silence, as continuous 20 ms G.711 RTP', async () => {
    const p = await phone();
    const { leg: l, clock } = await leg();
    // 2.5 frames of prompt: the last frame is padded with silence.
    const prompt = Int16Array.from({ length: 400 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    l.pushMicrophone(s16le(new Int16Array(160).fill(999))); // before start: dropped
    l.start(
      { address: '127.0.0.1', port: p.port, codec: 'pcma', telephoneEventPt: TE_PT },
      { pcm: s16le(prompt) },
    );
    clock.advance(40); // frames 0, 1, 2 due (at 0, 20 and 40 ms)
    const mic = Int16Array.from({ length: 320 }, (_, i) => (i % 50) * 100 - 2500);
    l.pushMicrophone(s16le(mic));
    clock.advance(60); // frames 3, 4 (microphone) and 5 (nothing left: silence)
    await until(() => p.received.length >= 6, 'six RTP packets at the phone');
    const packets = p.received.slice(0, 6);
    const heads = packets.map((b) => ({
      pt: b[1]! & 0x7f,
      marker: (b[1]! & 0x80) !== 0,
      seq: b.readUInt16BE(2),
      ts: b.readUInt32BE(4),
      ssrc: b.readUInt32BE(8),
      len: b.length - 12,
    }));
    for (const [i, h] of heads.entries()) {
      expect(h.pt).toBe(8);
      expect(h.marker).toBe(i === 0);
      expect(h.len).toBe(160);
      expect(h.ssrc).toBe(heads[0]!.ssrc);
      expect(h.seq).toBe((heads[0]!.seq + i) & 0xffff);
      expect(h.ts).toBe((heads[0]!.ts + i * 160) >>> 0);
    }
    const audio = decodeG711('pcma', Buffer.concat(packets.map((b) => b.subarray(12))));
    const expected = new Int16Array(960);
    expected.set(decodeG711('pcma', encodeG711('pcma', prompt)), 0);
    expected.set(decodeG711('pcma', encodeG711('pcma', mic)), 480);
    // G.711 has no exact zero in A-law: silence decodes to ±8.
    expect([...audio].map((v, i) => (i < 400 || (i >= 480 && i < 800) ? v : Math.abs(v) <= 8))).toEqual(
      [...expected].map((v, i) => (i < 400 || (i >= 480 && i < 800) ? v : true)),
    );
    expect(l.stats()).toMatchObject({ packetsOut: 6, silenceFrames: 1 });
    await l.close();
    expect(clock.pendingTimers()).toBe(0);
    await l.close(); // idempotent
  });

  it('turns the RFC 4733 packets of sipp’s dtmf_2833_5.pcap into one digit 5', async () => {
    const p = await phone();
    const { leg: l, digits, audio } = await leg();
    l.start({ address: '127.0.0.1', port: p.port, codec: 'pcmu', telephoneEventPt: TE_PT });
    const captured = readPcapUdp('/usr/share/sip-tester/dtmf_2833_5.pcap');
    expect(captured.length).toBeGreaterThan(3);
    for (const c of captured) {
      expect(c.payload[1]! & 0x7f).toBe(TE_PT);
      await send(p.socket, c.payload, l.local.port);
    }
    await until(() => l.stats().packetsIn === captured.length, 'every captured packet at the leg');
    expect(digits).toEqual([{ digit: '5', source: 'rfc4733' }]);
    expect(audio).toEqual([]);
  });

  it('detects in-band tones in the phone’s G.711 audio and passes the audio on to the speaker', async () => {
    const p = await phone();
    const { leg: l, digits, audio } = await leg();
    l.start({ address: '127.0.0.1', port: p.port, codec: 'pcmu', telephoneEventPt: null });
    const pcm = encodeG711('pcmu', concat(silence(40), dtmfTone('8', 100, -15), silence(100)));
    let n = 0;
    for (let at = 0; at + 160 <= pcm.length; at += 160, n++) {
      await send(p.socket, rtp(0, 100 + n, n * 160, pcm.subarray(at, at + 160)), l.local.port);
    }
    await until(() => l.stats().packetsIn === n, 'every audio packet at the leg');
    expect(digits).toEqual([{ digit: '8', source: 'inband' }]);
    expect(audio.length).toBe(n);
    expect(audio[0]!.codec).toBe('pcmu');
  });

  it('drops RTP from anyone but the answered address and port, and everything before the answer', async () => {
    const p = await phone();
    const stranger = await phone();
    const { leg: l, digits } = await leg();
    const five = rtp(TE_PT, 1, 8000, buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 }));
    await send(p.socket, five, l.local.port); // before start
    await until(() => l.stats().dropped === 1, 'the early packet counted as dropped');
    l.start({ address: '127.0.0.1', port: p.port, codec: 'pcmu', telephoneEventPt: TE_PT });
    for (let i = 0; i < 3; i++) await send(stranger.socket, five, l.local.port);
    const tone = encodeG711('pcmu', concat(dtmfTone('5', 100, -10), silence(60)));
    let frames = 0;
    for (let at = 0; at + 160 <= tone.length; at += 160, frames++) {
      await send(stranger.socket, rtp(0, at, at, tone.subarray(at, at + 160)), l.local.port);
    }
    await until(() => l.stats().dropped === 1 + 3 + frames, 'the stranger’s packets counted as dropped');
    // The phone itself: garbage is counted, not thrown.
    await send(p.socket, Buffer.from([1, 2, 3]), l.local.port);
    await send(p.socket, rtp(13, 5, 5, Buffer.from([0x40])), l.local.port); // comfort noise
    await until(() => l.stats().ignored === 1 && l.stats().malformed === 1, 'garbage and CN counted');
    expect(digits).toEqual([]);
    expect(l.stats().packetsIn).toBe(1);
  });

  it('ignores in-band digits that echo the visitor’s own tones back, but not the resident’s a second later', async () => {
    const p = await phone();
    // The phone is an echo: everything the panel sends comes straight back (a line or acoustic echo).
    p.socket.on('message', (m) => p.socket.send(m, l.local.port, '127.0.0.1'));
    const { leg: l, clock, digits } = await leg();
    l.start({ address: '127.0.0.1', port: p.port, codec: 'pcmu', telephoneEventPt: null });
    // The visitor holds a phone playing "5" to the panel's microphone.
    const tone = concat(dtmfTone('5', 120, -12), silence(200));
    for (let at = 0; at < tone.length; at += 160) {
      l.pushMicrophone(s16le(tone.subarray(at, at + 160)));
      clock.advance(20);
    }
    await until(() => l.stats().packetsIn >= 16, 'the echo back at the leg');
    await until(() => l.stats().echoSuppressed === 1, 'the echoed digit suppressed');
    expect(digits).toEqual([]);
    // A second later the resident presses 8 on the phone: that one counts.
    clock.advance(1000);
    p.socket.removeAllListeners('message');
    const pcm = encodeG711('pcmu', concat(dtmfTone('8', 100, -12), silence(60)));
    let n = 0;
    for (let at = 0; at + 160 <= pcm.length; at += 160, n++) {
      await send(p.socket, rtp(0, 5000 + n, n * 160, pcm.subarray(at, at + 160), 0x777), l.local.port);
    }
    await until(() => digits.length === 1, 'the resident’s digit');
    expect(digits).toEqual([{ digit: '8', source: 'inband' }]);
  });

  it('works over IPv6, matching the answered address in any spelling', async () => {
    const socket = createSocket('udp6');
    await new Promise<void>((resolve) => socket.bind(0, '::1', resolve));
    closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const l = await PhoneRtpLeg.open({ address: '::1', clock: new FakeClock() });
    closers.push(() => l.close());
    const digits: DtmfDigit[] = [];
    l.events.on('digit', (d) => digits.push(d));
    const remote = { address: '0:0:0:0:0:0:0:1', port: socket.address().port, codec: 'pcmu' as const };
    expect(() => l.start({ ...remote, address: '127.0.0.1', telephoneEventPt: TE_PT })).toThrow(
      /not reachable/,
    );
    l.start({ ...remote, telephoneEventPt: TE_PT });
    const five = rtp(TE_PT, 1, 8000, buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 }));
    socket.send(five, l.local.port, '::1');
    await until(() => digits.length === 1, 'the digit over IPv6');
    expect(digits).toEqual([{ digit: '5', source: 'rfc4733' }]);
  });

  it('refuses a bad remote, a second start, and a start after close', async () => {
    const { leg: l } = await leg();
    const good = { address: '127.0.0.1', port: 4000, codec: 'pcmu' as const, telephoneEventPt: 101 };
    expect(() => l.start({ ...good, address: 'phone.example' })).toThrow(/address/);
    expect(() => l.start({ ...good, port: 0 })).toThrow(/port/);
    expect(() => l.start({ ...good, telephoneEventPt: 8 })).toThrow(/telephoneEventPt/);
    l.start(good);
    expect(() => l.start(good)).toThrow(/already/);
    await l.close();
    const { leg: other } = await leg();
    await other.close();
    expect(() => other.start(good)).toThrow(/closed/);
  });
});
