/**
 * A resident's change made at their panel reaches the hub as a `resident.panel_settings_changed` event in
 * the panel's event stream: the hub applies it like the app's change (the resident's row or their bell
 * on that panel, the change log, a config patch to the panels), once however often the event is resent,
 * and refuses it for a resident outside the panel's building.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

let seq = 0;
const change = (id: string, data: Record<string, unknown>) => ({
  id,
  seq: ++seq,
  ts: 1_767_225_600_000 + seq,
  type: 'resident.panel_settings_changed',
  doorId: null,
  readerId: null,
  data,
});
const batch = (events: ReturnType<typeof change>[]) => ({
  protocol: 1,
  afterSeq: events[0]!.seq - 1,
  live: false,
  events,
});

describe('changes residents make at their panel', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let p1: FakePanel;

  const resident = (id: string) => hub.store.entities.get('residents', id);
  const bellText = (id: string) => hub.store.entities.get('doorbells', id).displayText;
  /** Sends the batch and waits until the hub acked its last event. */
  const send = async (panel: FakePanel, events: ReturnType<typeof change>[]) => {
    await panel.publish('events', batch(events));
    const last = events.at(-1)!.seq;
    await until(
      () => panel.on('events/ack').some((m) => (m.payload as { upToSeq: number }).upToSeq >= last),
      `the ack of event ${last}`,
    );
  };

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    call = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    for (const [id, panelId, residentId] of [
      ['bell-alice-p1', 'p1', 'alice'],
      ['bell-alice-p2', 'p2', 'alice'],
    ] as const)
      e.create('doorbells', { id, panelId, residentId, type: 'separate', displayText: 'Alice' });
    e.create('buildings', { id: 'b2', name: 'Storgatan 14', timeZone: 'Europe/Stockholm' });
    e.create('units', { id: 'u2', buildingId: 'b2', name: '2101' });
    e.create('residents', { id: 'carol', unitId: 'u2', name: 'Carol' });
    p1 = await fakePanel(broker.url, 'p1');
  });
  afterAll(async () => {
    await p1.close();
    await hub.stop();
    await broker.close();
  });

  it('hides the resident like the app does, and a resent event changes nothing again', async () => {
    const hide = change('ev-hide', { residentId: 'alice', hidden: true });
    await send(p1, [hide]);
    expect(resident('alice').hidden).toBe(true);
    expect(hub.store.panelChanges.of('p1', 'ev-hide')?.outcome).toBe('applied');
    // In the change log as the resident, at that panel.
    const logged = hub.store.adminChanges.list({ limit: 5 }).find((c) => c.entityId === 'alice');
    expect(logged?.actor).toBe('resident:alice@panel:p1');
    // The administrator shows her again; the panel resends the same event (say, after losing the ack).
    expect((await call('PATCH', '/api/v1/residents/alice', { hidden: false })).status).toBe(200);
    await p1.publish('events', { ...batch([hide]), afterSeq: hide.seq - 1 });
    await until(() => p1.on('events/ack').length >= 2, 'the second ack');
    expect(resident('alice').hidden).toBe(false);
  });

  it('sets the text of the resident’s own bell on that panel only; null is their name again', async () => {
    await send(p1, [change('ev-text', { residentId: 'alice', displayName: 'A. Andersson' })]);
    expect(bellText('bell-alice-p1')).toBe('A. Andersson');
    expect(bellText('bell-alice-p2')).toBe('Alice');
    await send(p1, [change('ev-name', { residentId: 'alice', displayName: null, hidden: false })]);
    expect(bellText('bell-alice-p1')).toBe('Alice');
  });

  it('refuses a resident of another building, and one without a bell of their own there', async () => {
    await send(p1, [
      change('ev-carol', { residentId: 'carol', hidden: true }),
      change('ev-bob-text', { residentId: 'bob', displayName: 'Bobby', hidden: true }),
      change('ev-nobody', { residentId: 'nobody', hidden: true }),
    ]);
    expect(resident('carol').hidden).toBe(false);
    expect(hub.store.panelChanges.of('p1', 'ev-carol')).toMatchObject({
      outcome: 'refused',
      detail: expect.stringMatching(/not registered in this panel's building/),
    });
    // Bob has no bell of his own on p1: the whole change is refused, his hiding too.
    expect(resident('bob').hidden).toBe(false);
    expect(hub.store.panelChanges.of('p1', 'ev-bob-text')?.outcome).toBe('refused');
    expect(hub.store.panelChanges.of('p1', 'ev-nobody')?.outcome).toBe('refused');
  });

  it('refuses data that does not parse, and the stream moves on', async () => {
    await send(p1, [
      change('ev-bad-1', { residentId: 'alice', hidden: 'yes' }),
      change('ev-bad-2', { residentId: 'alice', displayName: 'x'.repeat(61) }),
      change('ev-bad-3', { residentId: 'alice', displayName: 'Alice\u202Eevil' }),
      change('ev-after', { residentId: 'alice', hidden: true }),
    ]);
    for (const id of ['ev-bad-1', 'ev-bad-2', 'ev-bad-3'])
      expect(hub.store.panelChanges.of('p1', id)?.outcome, id).toBe('refused');
    expect(bellText('bell-alice-p1')).toBe('Alice');
    expect(resident('alice').hidden).toBe(true);
  });
});
