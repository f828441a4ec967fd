import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../cloud-sync/hub/residents/login-limiter.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { RateLimitedError } from '../../../lib/errors.ts';

const limits = { perResident: 3, perAddress: 5, windowMs: 60_000 };

function blocked(limiter: LoginLimiter, residentId: string, address: string): number | false {
  try {
    limiter.check(residentId, address);
    return false;
  } catch (err) {
    if (!(err instanceof RateLimitedError)) throw err;
    return err.retryAfterS;
  }
}

describe('failed resident login limiter', () => {
  it('blocks a resident id after its failures until the window ends', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    for (let i = 0; i < 3; i++) {
      expect(blocked(limiter, 'alice', 'a1')).toBe(false);
      limiter.failed('alice', 'a1');
    }
    expect(blocked(limiter, 'alice', 'a2')).toBe(60);
    expect(blocked(limiter, 'bob', 'a2')).toBe(false);
    clock.advance(45_000);
    expect(blocked(limiter, 'alice', 'a2')).toBe(15);
    clock.advance(15_000);
    expect(blocked(limiter, 'alice', 'a2')).toBe(false);
  });

  it('blocks an address spraying many residents, and a success clears only the resident', () => {
    const clock = new FakeClock();
    const limiter = new LoginLimiter(clock, limits);
    limiter.failed('alice', 'a1');
    limiter.failed('alice', 'a1');
    limiter.succeeded('alice');
    for (const id of ['r1', 'r2', 'r3']) limiter.failed(id, 'a1');
    expect(blocked(limiter, 'alice', 'a1')).toBe(60);
    expect(blocked(limiter, 'alice', 'a2')).toBe(false);
  });
});
