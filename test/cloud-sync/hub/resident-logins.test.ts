/**
 * Resident logins on fake time, through the hub's real HTTP API: the failed-login backoff per resident and
 * address behind a trusted proxy, the login and remote-open rate limits, and X-Forwarded-For from an
 * untrusted peer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, bearer } from '../../support/hub.ts';
import { loggedIn, login, newResident, startWorld, stopWorld, type World } from './resident-session-world.ts';

describe('resident login backoff and rate limits', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(['127.0.0.1']);
  });
  afterAll(() => stopWorld(w));

  it('backs off an attacker per resident and address, while the resident logs in from elsewhere', async () => {
    const who = await newResident(w);
    const wrong = { ...who, password: 'not-the-password' };
    expect((await login(w, who, { address: '203.0.113.1' })).status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await login(w, wrong, { address: '198.51.100.66' })).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const refused = await login(w, who, { address: '198.51.100.66' });
      expect(refused.status).toBe(429);
      waits.push(refused.retryAfter!);
      // The resident, from their own address, is never held up by it.
      expect((await login(w, who, { address: '203.0.113.1' })).status).toBe(201);
      w.clock.advance(refused.retryAfter! * 1000);
      expect((await login(w, wrong, { address: '198.51.100.66' })).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
  });

  it('slows a resident guessed at from many addresses on new addresses only, and briefly', async () => {
    const who = await newResident(w);
    expect((await login(w, who, { address: '203.0.113.2' })).status).toBe(201);
    const wrong = { ...who, password: 'not-the-password' };
    // Ten failures from ten addresses: each pair is still free, but the resident's guard is now on.
    for (let i = 0; i < 10; i++)
      expect((await login(w, wrong, { address: `192.0.2.${i + 1}` })).status).toBe(401);
    const fresh = await login(w, who, { address: '203.0.113.99' });
    expect(fresh.status).toBe(429);
    expect(fresh.retryAfter).toBeLessThanOrEqual(60);
    expect((await login(w, who, { address: '203.0.113.2' })).status).toBe(201);
    w.clock.advance(fresh.retryAfter! * 1000);
    expect((await login(w, who, { address: '203.0.113.99' })).status).toBe(201);
  });

  it('limits login attempts per address with 429 and Retry-After', async () => {
    const who = await newResident(w);
    for (let i = 0; i < 20; i++)
      expect((await login(w, who, { address: '198.51.100.200' })).status).toBe(201);
    const limited = await login(w, who, { address: '198.51.100.200' });
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe(10);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await login(w, who, { address: '198.51.100.201' })).status).toBe(201);
    w.clock.advance(10_000);
    expect((await login(w, who, { address: '198.51.100.200' })).status).toBe(201);
  });

  it('limits remote opens per resident over all their sessions with 429 and Retry-After', async () => {
    const who = { residentId: 'bob', password: '' };
    who.password = (await w.call('POST', '/api/v1/residents/bob/login', undefined, AUTH)).body.password;
    const phone = await loggedIn(w, who);
    const tablet = await loggedIn(w, who);
    const open = (token: string) =>
      w.send('POST', '/api/v1/resident/doors/door-b/open', undefined, bearer(token));
    expect((await open(phone.token)).status).toBe(202);
    expect((await open(tablet.token)).status).toBe(202);
    expect((await open(phone.token)).status).toBe(202);
    const limited = await open(tablet.token);
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe(10);
    w.clock.advance(10_000);
    expect((await open(tablet.token)).status).toBe(202);
  });
});

describe('resident logins without a trusted proxy', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld([]);
  });
  afterAll(() => stopWorld(w));

  it('ignores X-Forwarded-For from an untrusted peer: the header cannot pick a fresh address', async () => {
    const who = await newResident(w);
    const wrong = { ...who, password: 'not-the-password' };
    for (let i = 0; i < 3; i++)
      expect((await login(w, wrong, { address: `192.0.2.${i + 1}` })).status).toBe(401);
    // All three came from 127.0.0.1, whatever they claimed: the next claimed address is held up too.
    expect((await login(w, wrong, { address: '192.0.2.50' })).status).toBe(429);
  });
});
