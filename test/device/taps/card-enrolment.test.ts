/**
 * Card enrolment on the panel, on fake time: the next card at an armed door opens nothing and its UID is
 * the result; the tap is audited by hash only; the wait ends at its deadline; one enrolment per door.
 */
import { describe, expect, it } from 'vitest';
import { createUidHash } from '../../../device/access/uid-hash.ts';
import { CardEnrolment } from '../../../device/taps/card-enrolment.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { FakeAudit } from '../door/fakes.ts';

const readers = [
  { id: 'front-reader', name: 'Reader A', doors: ['front'] },
  { id: 'garage-reader', name: 'Reader B', doors: ['garage'] },
];

function world() {
  const clock = new FakeClock();
  const audit = new FakeAudit(clock);
  const enrolment = new CardEnrolment({ readers, clock, audit, uidHash: createUidHash('test-key') });
  return { clock, audit, enrolment };
}

describe('card enrolment', () => {
  it('takes the next card at the armed door only, once, and records its hash', async () => {
    const { clock, audit, enrolment } = world();
    const result = enrolment.arm('front', clock.now() + 30_000);
    expect(enrolment.take('garage-reader', '04AAAAAAAAAAAA')).toBe(false);
    expect(enrolment.take('front-reader', '04A1B2C3D4E5F6')).toBe(true);
    expect(await result).toEqual({ ok: true, uid: '04A1B2C3D4E5F6' });
    // The next tap at the door is a tap like any other again.
    expect(enrolment.take('front-reader', '04A1B2C3D4E5F6')).toBe(false);
    expect(audit.events.map((e) => ({ type: e.type, doorId: e.doorId, data: e.data }))).toEqual([
      { type: 'card.enrolled', doorId: 'front', data: { uidHash: expect.stringMatching(/^[0-9a-f]{16}$/) } },
    ]);
    expect(JSON.stringify(audit.events)).not.toContain('04A1B2C3D4E5F6');
  });

  it('gives up at its deadline, refuses a second enrolment at the same door, and knows only wired doors', async () => {
    const { clock, enrolment } = world();
    const waiting = enrolment.arm('front', clock.now() + 20_000);
    expect(await enrolment.arm('front', clock.now() + 20_000)).toEqual({
      ok: false,
      reason: 'an enrolment is already waiting at this door',
    });
    expect(await enrolment.arm('cellar', clock.now() + 20_000)).toEqual({
      ok: false,
      reason: 'unknown_door',
    });
    clock.advance(20_000);
    expect(await waiting).toEqual({ ok: false, reason: 'no card was tapped within 20 s' });
    expect(enrolment.take('front-reader', '04A1B2C3D4E5F6')).toBe(false);
  });

  it('ends waiting enrolments when the panel stops', async () => {
    const { clock, enrolment } = world();
    const waiting = enrolment.arm('garage', clock.now() + 30_000);
    enrolment.stop();
    expect(await waiting).toEqual({ ok: false, reason: 'the panel stopped' });
  });
});
