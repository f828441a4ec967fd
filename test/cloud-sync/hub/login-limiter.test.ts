import { describe, expect, it } from 'vitest';
import { ClientAddresses, trustedProxiesSchema } from '../../../cloud-sync/hub/residents/client-address.ts';
import { LoginLimiter, loginLimitsSchema } from '../../../cloud-sync/hub/residents/login-limiter.ts';
import { RateLimit } from '../../../cloud-sync/hub/residents/rate-limit.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { RateLimitedError } from '../../../lib/errors.ts';

const limits = loginLimitsSchema.parse({
  pair: { free: 3, baseMs: 1000, maxMs: 60_000 },
  address: { free: 20, baseMs: 1000, maxMs: 60_000 },
  resident: { free: 10, baseMs: 1000, maxMs: 8000 },
});

/** The wait in seconds, or false when the attempt may go ahead. */
function waitS(run: () => void): number | false {
  try {
    run();
    return false;
  } catch (err) {
    if (!(err instanceof RateLimitedError)) throw err;
    return err.retryAfterS;
  }
}

describe('failed resident login backoff', () => {
  it('doubles the wait per failure of one resident from one address, up to the cap, and a success clears it', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    limiter.succeeded('alice', 'home');
    const blocked = () => waitS(() => limiter.check('alice', 'attacker'));
    for (let i = 0; i < 3; i++) {
      expect(blocked()).toBe(false);
      limiter.failed('alice', 'attacker');
    }
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const w = blocked();
      expect(w).not.toBe(false);
      waits.push(w as number);
      clock.advance((w as number) * 1000);
      expect(blocked()).toBe(false);
      limiter.failed('alice', 'attacker');
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    // Meanwhile alice, from the address she logs in from, is not slowed at all.
    expect(waitS(() => limiter.check('alice', 'home'))).toBe(false);
    limiter.succeeded('alice', 'attacker');
    expect(blocked()).toBe(false);
  });

  it('slows a spraying address for every resident, and a success does not clear it', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    for (let i = 0; i < 20; i++) limiter.failed(`r${i}`, 'sprayer');
    limiter.succeeded('r0', 'sprayer');
    expect(waitS(() => limiter.check('alice', 'sprayer'))).toBe(1);
    expect(waitS(() => limiter.check('alice', 'elsewhere'))).toBe(false);
  });

  it('guards a resident against many addresses, but never their known address, and only up to a low cap', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    limiter.succeeded('alice', 'home');
    for (let i = 0; i < 40; i++) limiter.failed('alice', `bot-${i}`);
    // A new address waits (capped at 8 s here, a minute by default), the known one never does.
    expect(waitS(() => limiter.check('alice', 'cafe'))).toBe(8);
    expect(waitS(() => limiter.check('alice', 'home'))).toBe(false);
    clock.advance(8000);
    expect(waitS(() => limiter.check('alice', 'cafe'))).toBe(false);
    // Known addresses are remembered for a while only.
    clock.advance(limits.knownAddressMs);
    for (let i = 0; i < 40; i++) limiter.failed('alice', `bot-${i}`);
    expect(waitS(() => limiter.check('alice', 'home'))).toBe(8);
  });

  it('forgets failures a day after the last one', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    for (let i = 0; i < 10; i++) limiter.failed('alice', 'a1');
    expect(waitS(() => limiter.check('alice', 'a1'))).toBe(60);
    clock.advance(limits.forgetAfterMs);
    expect(waitS(() => limiter.check('alice', 'a1'))).toBe(false);
  });
});

describe('request rate limit', () => {
  it('allows a burst, then one request per interval, answering the wait', () => {
    const clock = new FakeClock();
    const limit = new RateLimit(clock, { burst: 3, perMinute: 6 }, 'door opens');
    for (let i = 0; i < 3; i++) limit.take('alice');
    expect(waitS(() => limit.take('alice'))).toBe(10);
    expect(waitS(() => limit.take('bob'))).toBe(false);
    clock.advance(4000);
    expect(waitS(() => limit.take('alice'))).toBe(6);
    clock.advance(6000);
    expect(waitS(() => limit.take('alice'))).toBe(false);
    expect(waitS(() => limit.take('alice'))).toBe(10);
  });
});

describe('client address behind trusted proxies', () => {
  const addresses = new ClientAddresses(trustedProxiesSchema.parse(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']));

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    expect(addresses.of('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(addresses.of('127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(addresses.of('::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(addresses.of('127.0.0.1', undefined)).toBe('127.0.0.1');
  });

  it('takes the rightmost address no trusted proxy added, whatever the client wrote before it', () => {
    expect(addresses.of('127.0.0.1', 'spoofed-1.1.1.1, 1.1.1.1, 198.51.100.1, 10.1.2.3')).toBe(
      '198.51.100.1',
    );
    expect(addresses.of('fd00::1', ['1.1.1.1', '2001:db8::5'])).toBe('2001:db8::5');
    // Garbage right behind our proxies: stop at the last hop a trusted proxy vouched for.
    expect(addresses.of('127.0.0.1', 'not-an-address')).toBe('127.0.0.1');
    expect(addresses.of('127.0.0.1', '10.0.0.1, 10.0.0.2')).toBe('10.0.0.1');
  });

  it('refuses a setting that is not an address or a block', () => {
    expect(trustedProxiesSchema.safeParse(['10.0.0.0/33']).success).toBe(false);
    expect(trustedProxiesSchema.safeParse(['proxy.example']).success).toBe(false);
    expect(new ClientAddresses([]).of('127.0.0.1', '198.51.100.1')).toBe('127.0.0.1');
  });
});
