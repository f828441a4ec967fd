import { describe, expect, it } from 'vitest';
import {
  isDiscontinuity,
  isH264KeyframeStart,
  isVp8KeyframeStart,
  type RtpHeaderView,
  readRtpHeader,
} from '../../../device/media/rtp.ts';
import { TalkerRestamper } from '../../../device/media/talker.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

function packet(o: {
  seq: number;
  ts: number;
  ssrc: number;
  pt?: number;
  payload?: number[];
  ext?: boolean;
}): Buffer {
  const head = Buffer.alloc(12);
  head[0] = 0x80 | (o.ext ? 0x10 : 0);
  head[1] = 0x80 | (o.pt ?? 96);
  head.writeUInt16BE(o.seq, 2);
  head.writeUInt32BE(o.ts, 4);
  head.writeUInt32BE(o.ssrc, 8);
  const ext = o.ext ? Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00]) : Buffer.alloc(0);
  return Buffer.concat([head, ext, Buffer.from(o.payload ?? [1, 2, 3])]);
}

describe('RTP header', () => {
  it('reads fields and skips a header extension', () => {
    const h = readRtpHeader(packet({ seq: 65535, ts: 0xfffffff0, ssrc: 42, ext: true, payload: [9, 9] }))!;
    expect(h).toEqual({
      marker: true,
      payloadType: 96,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 42,
      payloadOffset: 20,
      payloadLength: 2,
    });
  });

  it('rejects what is not RTP', () => {
    expect(readRtpHeader(Buffer.from([0x80, 0x60]))).toBeUndefined();
    expect(readRtpHeader(Buffer.alloc(20))).toBeUndefined(); // version 0
    const badExt = packet({ seq: 1, ts: 1, ssrc: 1, ext: true }).subarray(0, 14);
    expect(readRtpHeader(badExt)).toBeUndefined();
  });

  it('a jump in sequence numbers or a new SSRC is a restarted source; loss and reordering are not', () => {
    const at = (seq: number, ssrc = 1, timestamp = 1000) =>
      ({ sequenceNumber: seq, ssrc, timestamp }) as RtpHeaderView;
    expect(isDiscontinuity(undefined, at(5))).toBe(false);
    expect(isDiscontinuity(at(65530), at(3))).toBe(false);
    expect(isDiscontinuity(at(100), at(90))).toBe(false);
    expect(isDiscontinuity(at(100), at(400))).toBe(false);
    expect(isDiscontinuity(at(100), at(30_000))).toBe(true);
    expect(isDiscontinuity(at(100), at(101, 2))).toBe(true);
    // Sequence numbers that happen to continue, but a timestamp from elsewhere: a restart too.
    expect(isDiscontinuity(at(100, 1, 1000), at(101, 1, 1000 + 90_000))).toBe(false);
    expect(isDiscontinuity(at(100, 1, 1000), at(101, 1, 900))).toBe(false);
    expect(isDiscontinuity(at(100, 1, 1000), at(101, 1, 2_000_000_000))).toBe(true);
  });
});

describe('keyframe detection', () => {
  it('VP8: S=1, PID=0 and P=0, with and without the extended descriptor', () => {
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x01]))).toBe(false); // inter frame
    expect(isVp8KeyframeStart(Buffer.from([0x00, 0x00]))).toBe(false); // not the start
    // X=1, I=1 with a 15-bit PictureID (M bit set), then P=0.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x50]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x51]))).toBe(false);
    expect(isVp8KeyframeStart(Buffer.from([0x90]))).toBe(false);
  });

  it('H.264: SPS, IDR, STAP-A holding an SPS, first FU-A fragment of an IDR', () => {
    expect(isH264KeyframeStart(Buffer.from([0x67, 0x42]))).toBe(true);
    expect(isH264KeyframeStart(Buffer.from([0x65, 0x88]))).toBe(true);
    expect(isH264KeyframeStart(Buffer.from([0x41, 0x9a]))).toBe(false); // non-IDR slice
    expect(isH264KeyframeStart(Buffer.from([0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce]))).toBe(
      true,
    );
    expect(isH264KeyframeStart(Buffer.from([0x18, 0x00, 0x02, 0x06, 0x05]))).toBe(false); // SEI only
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x85]))).toBe(true);
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x05]))).toBe(false); // middle fragment
    expect(isH264KeyframeStart(Buffer.from([0x7c, 0x81]))).toBe(false); // first fragment, non-IDR
  });
});

describe('TalkerRestamper', () => {
  it('keeps one SSRC and continuous numbering across talkers, and never changes its input', () => {
    const clock = new FakeClock();
    const r = new TalkerRestamper({ clock, ssrc: 777, payloadType: 111 });
    const a1 = packet({ seq: 100, ts: 5000, ssrc: 1, pt: 109 });
    const copy = Buffer.from(a1);
    const out1 = readRtpHeader(r.restamp(a1, 'a/1')!)!;
    expect(a1).toEqual(copy);
    expect(out1).toMatchObject({ ssrc: 777, payloadType: 111, sequenceNumber: 100, timestamp: 5000 });
    clock.advance(20);
    const out2 = readRtpHeader(r.restamp(packet({ seq: 101, ts: 5960, ssrc: 1 }), 'a/1')!)!;
    expect(out2).toMatchObject({ sequenceNumber: 101, timestamp: 5960 });
    clock.advance(1000);
    const out3 = readRtpHeader(r.restamp(packet({ seq: 9, ts: 123, ssrc: 2 }), 'b/2')!)!;
    expect(out3).toMatchObject({ ssrc: 777, sequenceNumber: 102, timestamp: 5960 + 48_000 });
    expect(r.restamp(Buffer.from([1, 2, 3]), 'b/2')).toBeUndefined();
  });
});
