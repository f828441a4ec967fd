import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { callLogReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { type AdminApi, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const SNAPSHOT = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64')}`;
const T0 = 1_750_000_000_000;
/** Events one second apart across both panels, in the order the test stores them. */
let tick = 0;

/** Stores call events as the panel's event stream would deliver them. */
function storeCallEvents(hub: Hub, panelId: string, steps: [string, Record<string, unknown>][]): void {
  const after = hub.store.events.position(panelId);
  const events = steps.map(([type, data], i) => ({
    id: `${panelId}-ev-${after + i + 1}`,
    seq: after + i + 1,
    ts: T0 + tick++ * 1000,
    type,
    doorId: null,
    readerId: null,
    data,
  }));
  const stored = hub.store.events.storeInOrder(panelId, after, events, Date.now());
  if (stored.gap) throw new Error('gap');
}

describe('hub resident call log', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    hub.store.entities.create('doorbells', {
      id: 'bell-u1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'parallel',
      displayText: 'Andersson',
    });
    // Call 1 (p1): rings alice and bob at once, bob answers and talks 42 s.
    storeCallEvents(hub, 'p1', [
      ['call.started', { callId: 'call-0000001', bellId: 'bell-u1', type: 'parallel' }],
      ['call.snapshot', { callId: 'call-0000001', snapshot: SNAPSHOT }],
      ['call.ringing', { callId: 'call-0000001', residentId: 'alice', devices: 1 }],
      ['call.ringing', { callId: 'call-0000001', residentId: 'bob', devices: 2 }],
      ['call.answered', { callId: 'call-0000001', residentId: 'bob', deviceId: 'app-b1' }],
      ['call.ring_stopped', { callId: 'call-0000001', residentId: 'alice', reason: 'answered_elsewhere' }],
      ['call.ended', { callId: 'call-0000001', bellId: 'bell-u1', outcome: 'answered', durationMs: 42_000 }],
      // Call 2 (p1): only alice, who declines; the snapshot rides on the ringing event.
      ['call.started', { callId: 'call-0000002', bellId: 'bell-u1', type: 'parallel' }],
      [
        'call.ringing',
        { callId: 'call-0000002', bellId: 'bell-u1', residentId: 'alice', snapshot: SNAPSHOT },
      ],
      ['call.declined', { callId: 'call-0000002', residentId: 'alice' }],
      ['call.ended', { callId: 'call-0000002', bellId: 'bell-u1', outcome: 'declined' }],
      // Something a panel must not be able to smuggle into a browser.
      ['call.ringing', { callId: 'call-0000003', residentId: 'alice', snapshot: 'javascript:alert(1)' }],
    ]);
    // Call 4 (p2): alice is not answered, the call falls back to her phone.
    storeCallEvents(hub, 'p2', [
      ['call.started', { callId: 'call-0000004', bellId: 'bell-x', type: 'separate' }],
      ['call.ringing', { callId: 'call-0000004', residentId: 'alice', devices: 1 }],
      [
        'call.fallback',
        { callId: 'call-0000004', bellId: 'bell-x', residentIds: ['alice'], why: 'no_answer' },
      ],
      ['call.ended', { callId: 'call-0000004', bellId: 'bell-x', outcome: 'no_answer' }],
      ['call.started', { callId: 'call-0000005', bellId: 'bell-x', type: 'separate' }],
      ['call.ringing', { callId: 'call-0000005', residentId: 'bob', devices: 1 }],
      ['call.answered', { callId: 'call-0000005', residentId: 'bob', deviceId: 'app-b2' }],
    ]);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('lists the calls that rang the resident, newest first, with outcome and visitor picture', async () => {
    const { token } = await loginResident(call, 'alice');
    const res = await call('GET', '/api/v1/resident/calls', undefined, bearer(token));
    expect(res.status).toBe(200);
    const { calls } = callLogReply.parse(res.body);
    expect(calls.map((c) => [c.callId, c.outcome])).toEqual([
      ['call-0000004', 'fallback'],
      ['call-0000003', 'in_progress'],
      ['call-0000002', 'declined'],
      ['call-0000001', 'answered_by_other'],
    ]);
    expect(calls[3]).toEqual({
      callId: 'call-0000001',
      panelId: 'p1',
      panelName: 'Entrance A',
      bellId: 'bell-u1',
      bellText: 'Andersson',
      startedAt: T0,
      outcome: 'answered_by_other',
      answeredByDevice: null,
      durationMs: null,
      snapshot: SNAPSHOT,
      phone: null,
    });
    expect(calls[2]!.snapshot).toBe(SNAPSHOT);
    expect(calls[1]!.snapshot).toBeNull();
    expect(calls[0]).toMatchObject({ panelName: 'Entrance B', bellText: null, snapshot: null });
  });

  it('shows another resident only their own calls, with who answered and for how long', async () => {
    const { token } = await loginResident(call, 'bob');
    const res = await call('GET', '/api/v1/resident/calls?limit=1', undefined, bearer(token));
    expect(res.body.calls).toEqual([
      expect.objectContaining({ callId: 'call-0000005', outcome: 'answered' }),
    ]);
    const all = (await call('GET', '/api/v1/resident/calls', undefined, bearer(token))).body.calls;
    expect(all.map((c: { callId: string }) => c.callId)).toEqual(['call-0000005', 'call-0000001']);
    expect(all[1]).toMatchObject({ outcome: 'answered', answeredByDevice: 'app-b1', durationMs: 42_000 });
    expect((await call('GET', '/api/v1/resident/calls?limit=0', undefined, bearer(token))).status).toBe(400);
    expect((await call('GET', '/api/v1/resident/calls')).status).toBe(401);
  });
});
