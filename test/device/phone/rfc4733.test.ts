import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTelephoneEvent,
  parseTelephoneEvent,
  TelephoneEventReceiver,
} from '../../../device/phone/media/rfc4733.ts';
import { DTMF_DIGITS, type DtmfSymbol } from '../../../device/phone/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

function receiver() {
  const clock = new FakeClock();
  const digits: DtmfSymbol[] = [];
  const rx = new TelephoneEventReceiver({ clock, onDigit: (d) => digits.push(d) });
  return { clock, digits, rx };
}

/** The packets of one event as a phone sends them: every 20 ms while it lasts, then 3 end packets. */
function eventPackets(event: number, ts: number, durationMs = 100) {
  const out: Array<{ ts: number; payload: Buffer; end: boolean }> = [];
  for (let ms = 20; ms < durationMs; ms += 20) {
    out.push({
      ts,
      payload: buildTelephoneEvent({ event, end: false, volume: 10, duration: ms * 8 }),
      end: false,
    });
  }
  for (let i = 0; i < 3; i++) {
    const payload = buildTelephoneEvent({ event, end: true, volume: 10, duration: durationMs * 8 });
    out.push({ ts, payload, end: true });
  }
  return out;
}

describe('RFC 4733 telephone-event', () => {
  it('parses and builds the payload', () => {
    const p = buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 });
    expect([...p]).toEqual([5, 0x8a, 0x03, 0x20]);
    expect(parseTelephoneEvent(p)).toEqual({ event: 5, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect(parseTelephoneEvent(Buffer.from([1, 2, 3, 4, 5]))).toBeUndefined();
  });

  it('reports one digit per event at its end bit, whatever the repeats', () => {
    const { clock, digits, rx } = receiver();
    for (const p of eventPackets(5, 1000)) {
      rx.push(7, p.ts, p.payload);
      if (!p.end) expect(digits).toEqual([]);
      clock.advance(20);
    }
    expect(digits).toEqual(['5']);
    clock.advance(1000);
    expect(digits).toEqual(['5']);
  });

  it('reports an event whose end packets were all lost 100 ms after its last packet', () => {
    const { clock, digits, rx } = receiver();
    for (const p of eventPackets(8, 5000).filter((p) => !p.end)) {
      rx.push(7, p.ts, p.payload);
      clock.advance(20);
    }
    expect(digits).toEqual([]);
    clock.advance(79);
    expect(digits).toEqual([]);
    clock.advance(1);
    expect(digits).toEqual(['8']);
    // A late end packet of that event changes nothing.
    rx.push(7, 5000, buildTelephoneEvent({ event: 8, end: true, volume: 10, duration: 800 }));
    expect(digits).toEqual(['8']);
  });

  it('drops malformed payloads and ignores events beyond 15, never throwing', () => {
    const { clock, digits, rx } = receiver();
    rx.push(1, 1, Buffer.alloc(0));
    rx.push(1, 2, Buffer.from([5, 0x80]));
    rx.push(1, 3, buildTelephoneEvent({ event: 16, end: true, volume: 0, duration: 8 }));
    rx.push(1, 4, buildTelephoneEvent({ event: 255, end: false, volume: 0, duration: 8 }));
    clock.advance(500);
    expect(digits).toEqual([]);
    expect(rx.malformed).toBe(2);
    expect(rx.ignored).toBe(2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.integer({ min: 0, max: 0xffffffff }), (bytes, ts) => {
        rx.push(9, ts, bytes);
      }),
    );
  });

  it('reports every event exactly once, in order, whatever packets are lost (at least one arrives)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            event: fc.integer({ min: 0, max: 15 }),
            keep: fc.array(fc.boolean(), { minLength: 7 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (events) => {
          const { clock, digits, rx } = receiver();
          let ts = 160;
          for (const e of events) {
            const packets = eventPackets(e.event, ts);
            const kept = packets.filter((_, i) => e.keep[i % e.keep.length]);
            for (const p of kept.length ? kept : packets.slice(0, 1)) {
              rx.push(42, p.ts, p.payload);
              clock.advance(20);
            }
            // The inter-digit pause of a phone (≥ 40 ms of nothing) before the next event.
            clock.advance(40);
            ts += 1600;
          }
          clock.advance(200);
          expect(digits).toEqual(events.map((e) => DTMF_DIGITS[e.event]));
        },
      ),
    );
  });

  it('tells two events apart by timestamp even when the same digit repeats back to back', () => {
    const { clock, digits, rx } = receiver();
    rx.push(1, 100, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 }));
    clock.advance(20);
    // The first one's end packets are lost; the next event starts at once.
    rx.push(1, 900, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 }));
    expect(digits).toEqual(['5']);
    rx.push(1, 900, buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 }));
    expect(digits).toEqual(['5', '5']);
  });
});
