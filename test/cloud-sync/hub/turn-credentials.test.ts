import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { iceServersFor, turnSettingsSchema } from '../../../cloud-sync/hub/residents/turn-credentials.ts';
import { parseHubSettings } from '../../../cloud-sync/hub/settings.ts';
import { iceServersReply } from '../../../cloud-sync/protocol/ice.ts';
import { adminApi, bearer } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const SECRET = 'turn-secret-0123456789';
const NOW = 1_750_000_000_123;

describe('TURN credentials for app devices (coturn REST API scheme)', () => {
  const turn = turnSettingsSchema.parse({
    urls: ['stun:turn.example.com:3478', 'turn:turn.example.com:3478?transport=udp'],
    secret: SECRET,
    ttlS: 600,
  });

  it('names the expiry and the device, and signs that with HMAC-SHA1 of the shared secret', () => {
    const reply = iceServersReply.parse(iceServersFor(turn, 'app-alice-1', NOW));
    const expiresS = Math.floor(NOW / 1000) + 600;
    expect(reply.expiresAt).toBe(expiresS * 1000);
    expect(reply.iceServers).toEqual([
      { urls: ['stun:turn.example.com:3478'] },
      {
        urls: ['turn:turn.example.com:3478?transport=udp'],
        username: `${expiresS}:app-alice-1`,
        credential: createHmac('sha1', SECRET).update(`${expiresS}:app-alice-1`).digest('base64'),
      },
    ]);
    // Another device gets another credential: one cannot pass for the other.
    expect(iceServersFor(turn, 'app-bob-1', NOW).iceServers[1]?.credential).not.toBe(
      reply.iceServers[1]?.credential,
    );
  });

  it('gives no servers and no expiry when the hub has no TURN settings', () => {
    expect(iceServersFor(undefined, 'app-alice-1', NOW)).toEqual({ iceServers: [], expiresAt: null });
  });

  it('refuses a short secret, a non-TURN URL and an out-of-range lifetime, naming each', () => {
    expect(() =>
      parseHubSettings({
        adminToken: 'admin-token-0123456789',
        turn: { urls: ['http://x'], secret: 'short', ttlS: 5 },
      }),
    ).toThrow(
      /turn\.urls\.0: must be a stun:, turn: or turns: URL.*turn\.secret: must be at least 16.*turn\.ttlS/,
    );
  });
});

describe('GET /api/v1/resident/ice-servers', () => {
  let broker: Broker;
  let hub: Hub;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({
      brokerUrl: broker.url,
      turn: { urls: ['turn:turn.example.com:3478'], secret: SECRET, ttlS: 900 },
    });
    seed(hub);
  });
  afterAll(async () => {
    await hub?.stop();
    await broker?.close();
  });

  it('gives a logged-in app device credentials in its own name, and nobody else any', async () => {
    const call = adminApi(hub);
    const login = await loginResident(call, 'alice');
    const res = await call('GET', '/api/v1/resident/ice-servers', undefined, bearer(login.token));
    expect(res.status).toBe(200);
    const reply = iceServersReply.parse(res.body);
    const [relay] = reply.iceServers;
    expect(relay?.username).toMatch(new RegExp(`^\\d+:${login.appDeviceId}$`));
    expect(relay?.credential).toBe(createHmac('sha1', SECRET).update(relay!.username!).digest('base64'));
    expect(reply.expiresAt! - Date.now()).toBeGreaterThan(890_000);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const anonymous = await call('GET', '/api/v1/resident/ice-servers');
    expect(anonymous.status).toBe(401);
  });
});
