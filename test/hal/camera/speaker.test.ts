import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createSpeaker } from '../../../hal/camera/drivers.ts';
import { Rfc4571Counter } from '../../../hal/camera/speaker.ts';
import type { Speaker } from '../../../hal/camera/types.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

function rtp(seq: number, ssrc: number, payload = Buffer.from([0xf8, 0xff, 0xfe]), pt = 111): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = pt;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(seq * 960, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

describe('Rfc4571Counter', () => {
  it('counts length-prefixed packets however the stream is chunked', () => {
    const frames = [rtp(1, 7), rtp(2, 7), rtp(3, 9)].map((p) => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(p.length);
      return Buffer.concat([len, p]);
    });
    const stream = Buffer.concat(frames);
    const counter = new Rfc4571Counter();
    for (let i = 0; i < stream.length; i += 5) counter.push(stream.subarray(i, i + 5));
    expect(counter.packets).toBe(3);
    expect([...counter.ssrcs]).toEqual([7, 9]);
  });
});

describe('GstSpeaker (sim, real gst-launch)', () => {
  let speaker: Speaker | undefined;
  afterAll(async () => {
    await speaker?.stop();
  });

  it('decodes Opus RTP sent to its port, then G.711 after setCodec, and counts the packets', async () => {
    speaker = createSpeaker({ driver: 'sim' }, { clock: new SystemClock(), logger: silentLogger });
    const exits: unknown[] = [];
    speaker.events.on('exit', (e) => exits.push(e));
    const ports = await speaker.start();
    expect(ports).toMatchObject({ host: '127.0.0.1', payloadType: 111 });
    const socket = createSocket('udp4');
    // udpsrc may not have bound yet right after spawn: keep sending until the first packets are counted.
    let seq = 0;
    const end = performance.now() + 15_000;
    while (speaker.stats().packets < 50 && performance.now() < end) {
      socket.send(rtp(++seq, 0x5eed), ports.rtpPort, '127.0.0.1');
      await sleep(20);
    }
    socket.close();
    expect(speaker.stats().packets).toBeGreaterThanOrEqual(50);
    expect(speaker.stats().ssrcs).toEqual([0x5eed]);
    expect(exits).toEqual([]);

    // A phone call: the same port now takes G.711 µ-law (a new child with PCMU caps).
    const opusPid = speaker.pid!;
    await speaker.setCodec('pcmu');
    expect(speaker.pid).not.toBe(opusPid);
    const before = speaker.stats().packets;
    const phone = createSocket('udp4');
    const until2 = performance.now() + 15_000;
    while (speaker.stats().packets < before + 50 && performance.now() < until2) {
      phone.send(rtp(++seq, 0x9a11, Buffer.alloc(160, 0xff), 0), ports.rtpPort, '127.0.0.1');
      await sleep(20);
    }
    phone.close();
    expect(speaker.stats().packets).toBeGreaterThanOrEqual(before + 50);
    expect(speaker.stats().ssrcs).toContain(0x9a11);
    const pcmuPid = speaker.pid!;
    await speaker.setCodec('pcmu'); // already: no restart
    expect(speaker.pid).toBe(pcmuPid);
    await speaker.setCodec('opus');
    expect(speaker.pid).not.toBe(pcmuPid);
    const pid = speaker.pid!;
    await speaker.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
