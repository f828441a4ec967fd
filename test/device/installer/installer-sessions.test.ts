/**
 * Installer mode's PIN entry and sessions on a fake clock, with the panel's real store (audit rows) and
 * the backoff file in a real data folder: free tries, the doubling wait (refused without a check), a
 * restart that keeps the wait, one session at a time, idle and absolute expiry.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InstallerSessions } from '../../../device/installer/installer-sessions.ts';
import { PinBackoff, waitAfter } from '../../../device/installer/pin-backoff.ts';
import { InstallerPinSource, PIN_OVERRIDE_FILE } from '../../../device/installer/pin-source.ts';
import { openStore, type Store } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { hashPin } from '../../../lib/crypto/pin-hash.ts';
import { AuthError, ForbiddenError, RateLimitedError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

const PIN = '40713862';
let stores: Store[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});

async function world(dir = tempDir(), clock = new FakeClock(), configHash?: string | null) {
  const store = openStore(join(dir, 'panel.db'), { clock, logger: silentLogger, reserveBytes: 0 });
  stores.push(store);
  const hash = configHash === null ? undefined : (configHash ?? (await hashPin(PIN)));
  const sessions = new InstallerSessions({
    pins: new InstallerPinSource(dir, hash),
    backoff: new PinBackoff(dir, { clock, logger: silentLogger }),
    audit: store.audit,
    clock,
    logger: silentLogger,
  });
  const rows = (type: string) => store.audit.after(0, 1000).filter((e) => e.type === type);
  return { dir, clock, store, sessions, rows, hash };
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe('installer PIN entry', () => {
  it('gives three free tries, then waits 30 s doubling up to an hour, refusing without a check meanwhile', async () => {
    const w = await world();
    for (let i = 1; i <= 2; i++) {
      const err = await refusal(w.sessions.enter('00000000'));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.message).toContain(`${3 - i} tr`);
    }
    const third = await refusal(w.sessions.enter('00000000'));
    expect(third.message).toContain('next try in 30 s');
    expect((await w.sessions.status()).retryAfterS).toBe(30);
    // During the wait even the right PIN is refused, with the time left, and not counted.
    w.clock.advance(10_000);
    const waiting = await refusal(w.sessions.enter(PIN));
    expect(waiting).toBeInstanceOf(RateLimitedError);
    expect((waiting as RateLimitedError).retryAfterS).toBe(20);
    await refusal(w.sessions.enter(PIN));
    expect(w.rows('installer.backoff')).toHaveLength(1);
    expect(w.rows('installer.pin_refused').map((e) => e.data)).toEqual([
      { failures: 1, lockedForS: 0 },
      { failures: 2, lockedForS: 0 },
      { failures: 3, lockedForS: 30 },
    ]);
    w.clock.advance(20_000);
    expect((await refusal(w.sessions.enter('00000000'))).message).toContain('next try in 60 s');
    expect([waitAfter(5), waitAfter(9), waitAfter(50)]).toEqual([120_000, 1_920_000, 3_600_000]);
    // A right PIN after the wait enters, and clears the count.
    w.clock.advance(60_000);
    const entered = await w.sessions.enter(PIN);
    expect(entered.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await w.sessions.status()).retryAfterS).toBe(0);
    expect(w.rows('installer.entered')).toHaveLength(1);
    expect(JSON.stringify(w.store.audit.after(0, 1000))).not.toContain(PIN);
  });

  it('keeps the wait across a restart (a new process reading the same data folder)', async () => {
    const first = await world();
    for (let i = 0; i < 3; i++) await refusal(first.sessions.enter('11111111'));
    first.store.close();
    stores = [];
    const clock = new FakeClock(first.clock.now() + 5_000);
    const again = await world(first.dir, clock, first.hash);
    expect((await again.sessions.status()).retryAfterS).toBe(25);
    expect(await refusal(again.sessions.enter(PIN))).toBeInstanceOf(RateLimitedError);
    // A wall clock set far back cannot stretch the wait beyond its own length.
    clock.setWallTime(first.clock.now() - 86_400_000);
    expect((await again.sessions.status()).retryAfterS).toBe(30);
  });

  it('is disabled with a clear message when no PIN hash is set, or the data folder holds a broken one', async () => {
    const w = await world(tempDir(), new FakeClock(), null);
    expect(await w.sessions.status()).toEqual({ pinConfigured: false, retryAfterS: 0 });
    const err = await refusal(w.sessions.enter(PIN));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.message).toContain('installer mode is disabled');
    writeFileSync(join(w.dir, PIN_OVERRIDE_FILE), 'not a hash\n');
    expect((await w.sessions.status()).pinConfigured).toBe('invalid');
    expect((await refusal(w.sessions.enter(PIN))).message).toContain('set-installer-pin');
  });
});

describe('installer sessions', () => {
  it('one at a time: a new entry ends the one before', async () => {
    const w = await world();
    const a = await w.sessions.enter(PIN);
    const b = await w.sessions.enter(PIN);
    expect(w.sessions.use(a.token)).toBeUndefined();
    expect(w.sessions.use(b.token)).toBeDefined();
    expect(w.rows('installer.left').map((e) => e.data['reason'])).toEqual(['replaced']);
    expect(w.sessions.leave(b.token)).toBe(true);
    expect(w.sessions.use(b.token)).toBeUndefined();
    expect(w.rows('installer.left').map((e) => e.data['reason'])).toEqual(['replaced', 'left']);
  });

  it('ends after 10 idle minutes, and after an hour however busy', async () => {
    const w = await world();
    const s = await w.sessions.enter(PIN);
    expect(s.expiresAt).toBe(w.clock.now() + 600_000);
    w.clock.advance(9 * 60_000);
    expect(w.sessions.use(s.token)).toBeDefined();
    w.clock.advance(9 * 60_000);
    expect(w.sessions.use(s.token)).toBeDefined();
    w.clock.advance(10 * 60_000);
    expect(w.sessions.use(s.token)).toBeUndefined();
    expect(w.rows('installer.left').at(-1)?.data).toMatchObject({ reason: 'idle' });

    const busy = await w.sessions.enter(PIN);
    for (let m = 0; m < 59; m++) {
      w.clock.advance(60_000);
      expect(w.sessions.use(busy.token)).toBeDefined();
    }
    w.clock.advance(60_000);
    expect(w.sessions.use(busy.token)).toBeUndefined();
    expect(w.rows('installer.left').at(-1)?.data).toMatchObject({ reason: 'expired' });
  });
});
