/**
 * A hub on fake time with a recording broker revoker, reached through its real HTTP API and its broker
 * auth backend: the world of the resident session and login tests.
 */
import { expect } from 'vitest';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { AppDeviceRevoker } from '../../../cloud-sync/hub/residents/app-device-revoker.ts';
import { residentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, AUTH, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { BROKER_SECRET, startResidentHub } from './resident-harness.ts';

export const DAY = 86_400_000;
export const BROKER = { authorization: `Bearer ${BROKER_SECRET}`, 'content-type': 'application/json' };

/** A broker integration that records what it was asked, and fails when told to. */
export class RecordingRevoker implements AppDeviceRevoker {
  readonly calls: string[][] = [];
  failNext = 0;
  revoke(appDeviceIds: readonly string[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('broker unreachable'));
    }
    this.calls.push([...appDeviceIds]);
    return Promise.resolve();
  }
  get revoked(): string[] {
    return this.calls.flat();
  }
}

export interface Sent {
  status: number;
  retryAfter: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

export interface World {
  broker: Broker;
  hub: Hub;
  clock: FakeClock;
  revoker: RecordingRevoker;
  call: AdminApi;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Sent>;
}

export async function startWorld(trustedProxies: string[]): Promise<World> {
  const broker = await startBroker();
  const clock = new FakeClock();
  const revoker = new RecordingRevoker();
  const hub = await startResidentHub({
    brokerUrl: broker.url,
    clock,
    appDeviceRevoker: revoker,
    residentApp: {
      trustedProxies,
      rateLimits: {
        loginsPerAddress: { burst: 20, perMinute: 6 },
        opensPerResident: { burst: 3, perMinute: 6 },
      },
    },
  });
  seed(hub);
  // The unit's bell on p1: its residents' app devices are in p1's directory, so they count in its config.
  hub.store.entities.create('doorbells', {
    id: 'bell-u1',
    panelId: 'p1',
    unitId: 'u1',
    type: 'family',
    displayText: 'U1',
  });
  const base = `http://127.0.0.1:${hub.apiAddress().port}`;
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      retryAfter: retryAfter === null ? null : Number(retryAfter),
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return { broker, hub, clock, revoker, call: adminApi(hub), send };
}

export async function stopWorld(w: World): Promise<void> {
  await w.hub.stop();
  await w.broker.close();
}

let residentCount = 0;

/** A new resident of unit u1 with a login; returns its id and password. */
export async function newResident(w: World): Promise<{ residentId: string; password: string }> {
  const residentId = `res-${++residentCount}`;
  w.hub.store.entities.create('residents', {
    id: residentId,
    unitId: 'u1',
    name: `Resident ${residentCount}`,
  });
  const set = await w.call('POST', `/api/v1/residents/${residentId}/login`, undefined, AUTH);
  expect(set.status).toBe(201);
  return { residentId, password: set.body.password };
}

export function login(
  w: World,
  who: { residentId: string; password: string },
  o: { address?: string; appDeviceId?: string } = {},
): Promise<Sent> {
  return w.send(
    'POST',
    '/api/v1/resident/login',
    {
      residentId: who.residentId,
      password: who.password,
      deviceName: 'Phone',
      ...(o.appDeviceId ? { appDeviceId: o.appDeviceId } : {}),
    },
    o.address ? { 'x-forwarded-for': o.address } : {},
  );
}

export async function loggedIn(w: World, who: { residentId: string; password: string }, o = {}) {
  const res = await login(w, who, o);
  expect(res.status).toBe(201);
  return residentLoginReply.parse(res.body);
}

/** Whether p1's compiled config names the app device (panels ring only devices in their directory). */
export const inP1Config = (w: World, appDeviceId: string) =>
  JSON.stringify(compilePanelSnapshot(w.hub.store, 'p1')).includes(appDeviceId);

export const me = async (w: World, token: string) =>
  (await w.send('GET', '/api/v1/resident/me', undefined, bearer(token))).status;
export const brokerAuth = async (w: World, mqtt: { username: string; password: string }) =>
  (await w.send('POST', '/api/v1/broker/auth', { username: mqtt.username, password: mqtt.password }, BROKER))
    .status;
