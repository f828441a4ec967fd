/** Property-based tests of the stream parser: whatever the bus delivers, it never throws or hoards. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OsdpFrameError } from '../../../lib/osdp/errors.ts';
import { decodeFrame, encodeFrame, OSDP_MAX_FRAME, type OsdpFrameFields } from '../../../lib/osdp/frame.ts';
import { OsdpStreamParser } from '../../../lib/osdp/parser.ts';

const frameFields: fc.Arbitrary<OsdpFrameFields> = fc.record({
  address: fc.integer({ min: 0, max: 0x7f }),
  reply: fc.boolean(),
  sqn: fc.integer({ min: 0, max: 3 }),
  crc: fc.boolean(),
  scb: fc.option(
    fc.record({
      type: fc.integer({ min: 0x11, max: 0x14 }),
      data: fc.uint8Array({ maxLength: 2 }).map((a) => Buffer.from(a)),
    }),
    { nil: undefined },
  ),
  code: fc.integer({ min: 0, max: 0xff }),
  data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
});

function frames(items: ReturnType<OsdpStreamParser['push']>) {
  return items.flatMap((i) => ('frame' in i ? [i.frame] : []));
}

/** Splits `bytes` at the given cut points. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

describe('OsdpStreamParser (properties)', () => {
  it('encode then decode is the identity', () => {
    fc.assert(
      fc.property(frameFields, (fields) => {
        const frame = decodeFrame(encodeFrame(fields));
        expect({ ...frame, scb: frame.scb ?? undefined }).toMatchObject({ ...fields });
      }),
    );
  });

  it('any split of a stream of valid packets yields exactly those packets', () => {
    fc.assert(
      fc.property(fc.array(frameFields, { minLength: 1, maxLength: 6 }), fc.array(fc.nat()), (list, cuts) => {
        const stream = Buffer.concat(list.map((f) => encodeFrame(f)));
        const parser = new OsdpStreamParser();
        const got = chunks(stream, cuts).flatMap((c) => parser.push(c));
        expect(got.every((i) => 'frame' in i)).toBe(true);
        expect(frames(got).map((f) => f.raw)).toEqual(list.map((f) => encodeFrame(f)));
        expect(parser.pending).toBe(0);
      }),
    );
  });

  it('random noise never throws, and memory stays bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 8 }), (noise) => {
        const parser = new OsdpStreamParser();
        for (const chunk of noise) {
          parser.push(chunk);
          expect(parser.pending).toBeLessThanOrEqual(OSDP_MAX_FRAME);
        }
      }),
    );
  });

  it('a valid packet after junk is found once the junk is flushed out', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), frameFields, (junk, fields) => {
        const parser = new OsdpStreamParser();
        parser.push(junk);
        parser.reset(); // what the driver does when a reply times out
        const packet = encodeFrame(fields);
        expect(frames(parser.push(packet)).map((f) => f.raw)).toEqual([packet]);
      }),
    );
  });

  it('corrupting any byte of a packet is detected (no packet comes out)', () => {
    fc.assert(
      fc.property(frameFields, fc.nat(), fc.integer({ min: 1, max: 255 }), (fields, at, flip) => {
        const packet = encodeFrame(fields);
        const index = at % packet.length;
        const bad = Buffer.from(packet);
        bad[index] = bad[index]! ^ flip;
        // Deterministic: CRC-16 catches every single-byte error, the checksum every change of the sum,
        // and a changed LEN no longer matches the packet.
        expect(() => decodeFrame(bad)).toThrow(OsdpFrameError);
        const got = new OsdpStreamParser().push(bad);
        expect(frames(got).some((f) => f.raw.equals(packet))).toBe(false);
        // A changed LEN makes the parser try shorter candidates, which a check byte passes by chance
        // (1 in 256 or 65536); every other corruption yields nothing at all.
        if (index !== 2 && index !== 3) expect(frames(got)).toEqual([]);
      }),
    );
  });

  it('a flood of junk that looks like headers stays cheap and bounded', () => {
    const junk = Buffer.alloc(40_000);
    for (let i = 0; i < junk.length; i += 4) junk.set([0x53, 0x00, 0xff, 0x03], i);
    const parser = new OsdpStreamParser();
    for (let i = 0; i < junk.length; i += 4096) {
      parser.push(junk.subarray(i, i + 4096));
      expect(parser.pending).toBeLessThanOrEqual(OSDP_MAX_FRAME + 4096);
    }
  });
});
