import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { callLogReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { type AdminApi, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const T0 = 1_760_000_000_000;
let tick = 0;

/** Stores call events as the panel's event stream would deliver them (the panel's audit payloads). */
function storeCallEvents(hub: Hub, panelId: string, steps: [string, Record<string, unknown>][]): void {
  const after = hub.store.events.position(panelId);
  const events = steps.map(([type, data], i) => ({
    id: `${panelId}-ev-${after + i + 1}`,
    seq: after + i + 1,
    ts: T0 + tick++ * 1000,
    type,
    doorId: type === 'call.phone_door_opened' ? 'door-a' : null,
    readerId: null,
    data,
  }));
  if (hub.store.events.storeInOrder(panelId, after, events, Date.now()).gap) throw new Error('gap');
}

describe("the resident's call log: calls to their phone (phone fallback)", () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    const c = (n: number) => `call-phone-${n}`;
    storeCallEvents(hub, 'p1', [
      // 1: alice is logged in nowhere: the panel calls her phone; she answers and opens with 5.
      ['call.started', { callId: c(1), bellId: 'bell-x', type: 'separate' }],
      ['call.fallback', { callId: c(1), bellId: 'bell-x', residentIds: ['alice'], why: 'no_devices' }],
      ['call.phone_dialing', { callId: c(1), residentId: 'alice' }],
      ['call.phone_ringing', { callId: c(1), residentId: 'alice', early: false }],
      ['call.phone_answered', { callId: c(1), residentId: 'alice' }],
      [
        'call.phone_door_opened',
        { callId: c(1), residentId: 'alice', doorId: 'door-a', digit: '5', source: 'rfc4733' },
      ],
      [
        'call.phone_ended',
        {
          callId: c(1),
          residentId: 'alice',
          outcome: 'answered',
          reason: 'callee hung up',
          durationMs: 31_000,
        },
      ],
      ['call.ended', { callId: c(1), bellId: 'bell-x', outcome: 'answered', durationMs: 33_000 }],
      // 2: a sequential bell: bob's app first (no answer), then alice's phone, which is busy.
      ['call.started', { callId: c(2), bellId: 'bell-seq', type: 'sequential' }],
      ['call.ringing', { callId: c(2), residentId: 'bob', devices: 1 }],
      ['call.ring_stopped', { callId: c(2), residentId: 'bob', reason: 'step_timeout' }],
      ['call.phone_dialing', { callId: c(2), residentId: 'alice' }],
      [
        'call.phone_ended',
        { callId: c(2), residentId: 'alice', outcome: 'busy', reason: 'busy here', sipStatus: 486 },
      ],
      ['call.ended', { callId: c(2), bellId: 'bell-seq', outcome: 'no_answer' }],
      // 3: still ringing her phone.
      ['call.started', { callId: c(3), bellId: 'bell-x', type: 'separate' }],
      ['call.phone_dialing', { callId: c(3), residentId: 'alice' }],
      ['call.phone_ringing', { callId: c(3), residentId: 'alice', early: true }],
      // 4: a panel reporting an outcome nobody knows: shown as failed, never passed on.
      ['call.phone_dialing', { callId: c(4), residentId: 'alice' }],
      ['call.phone_ended', { callId: c(4), residentId: 'alice', outcome: '<script>', reason: 'x' }],
    ]);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('shows how each call to her phone went, and when a digit on the phone opened the door', async () => {
    const { token } = await loginResident(call, 'alice');
    const res = await call('GET', '/api/v1/resident/calls', undefined, bearer(token));
    expect(res.status).toBe(200);
    const { calls } = callLogReply.parse(res.body);
    expect(calls.map((e) => [e.callId, e.outcome, e.phone])).toEqual([
      ['call-phone-4', 'fallback', { outcome: 'failed', doorOpened: false, durationMs: null }],
      ['call-phone-3', 'in_progress', { outcome: 'calling', doorOpened: false, durationMs: null }],
      ['call-phone-2', 'fallback', { outcome: 'busy', doorOpened: false, durationMs: null }],
      ['call-phone-1', 'answered', { outcome: 'answered', doorOpened: true, durationMs: 31_000 }],
    ]);
    // The phone leg's own duration; no app device answered.
    expect(calls[3]).toMatchObject({ durationMs: 31_000, answeredByDevice: null });
  });

  it("shows bob, whose app rang in the sequence, no phone call of alice's", async () => {
    const { token } = await loginResident(call, 'bob');
    const { calls } = callLogReply.parse(
      (await call('GET', '/api/v1/resident/calls', undefined, bearer(token))).body,
    );
    expect(calls.map((e) => [e.callId, e.outcome, e.phone])).toEqual([['call-phone-2', 'missed', null]]);
  });
});
