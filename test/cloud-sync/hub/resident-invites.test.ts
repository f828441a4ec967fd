/**
 * Invites to the resident app: an administrator of the resident's building creates a one-time code; the
 * resident redeems it with a password of their choice and is logged in; the code works once, a newer
 * invite replaces it, an expired one says so, and guessing is rate-limited per address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { residentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { residentInviteReply } from '../../../cloud-sync/protocol/resident-invite.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { startResidentHub } from './resident-harness.ts';

const JSON_ONLY = { 'content-type': 'application/json' };
const FAKE_CODE = 'A'.repeat(43);

describe('resident invites', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));
  const redeem = (code: string, password = 'a good long password') =>
    call('POST', '/api/v1/resident/invite/redeem', { code, password, deviceName: 'Phone' }, JSON_ONLY);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url, clock });
    call = adminApi(hub);
    seed(hub);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('logs the resident in with the password they chose, once', async () => {
    const invite = await call('POST', '/api/v1/residents/alice/invite');
    expect(invite.status).toBe(201);
    const body = residentInviteReply.parse(invite.body);
    expect(body.link).toBe(`/app/#invite=${body.code}`);
    expect(body.expiresAt).toBe(clock.now() + 7 * 86_400_000);
    const login = await redeem(body.code);
    expect(login.status).toBe(201);
    expect(residentLoginReply.parse(login.body).residentId).toBe('alice');
    // The session works, and so does the chosen password on a later login.
    const me = await call('GET', '/api/v1/resident/me', undefined, {
      authorization: `Bearer ${login.body.token}`,
    });
    expect(me.status).toBe(200);
    const again = await call(
      'POST',
      '/api/v1/resident/login',
      { residentId: 'alice', password: 'a good long password', deviceName: 'Laptop' },
      JSON_ONLY,
    );
    expect(again.status).toBe(201);
    // Used: refused with a clear message.
    const reused = await redeem(body.code, 'another long password');
    expect(reused.status).toBe(401);
    expect(reused.body.error.message).toMatch(/already used invite code/);
  });

  it('replaces an older invite with a newer one, and says when one has expired', async () => {
    const first = (await call('POST', '/api/v1/residents/bob/invite')).body.code;
    const second = (await call('POST', '/api/v1/residents/bob/invite')).body.code;
    expect((await redeem(first)).status).toBe(401);
    clock.advance(7 * 86_400_000);
    const expired = await redeem(second);
    expect(expired.status).toBe(409);
    expect(expired.body.error).toMatchObject({ code: 'invite_expired' });
    expect(expired.body.error.message).toMatch(/expired: ask your administrator/);
  });

  it('refuses a short password or a malformed code without spending the code', async () => {
    const code = (await call('POST', '/api/v1/residents/bob/invite')).body.code;
    const short = await redeem(code, 'short');
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.error)).toMatch(/at least 10 characters/);
    expect((await redeem('not a code')).status).toBe(400);
    expect((await redeem(code)).status).toBe(201);
  });

  it('needs an admin credential to invite, and an active resident', async () => {
    expect((await call('POST', '/api/v1/residents/alice/invite', undefined, {})).status).toBe(401);
    expect((await call('POST', '/api/v1/residents/nobody/invite')).status).toBe(404);
    await call('PATCH', '/api/v1/residents/bob', { status: 'removed' });
    expect((await call('POST', '/api/v1/residents/bob/invite')).status).toBe(409);
  });

  it('rate-limits guessing per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) statuses.push((await redeem(FAKE_CODE)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/residents/{id}/invite']?.post).toBeDefined();
    expect(doc.paths['/api/v1/resident/invite/redeem']?.post?.security).toEqual([]);
  });
});
