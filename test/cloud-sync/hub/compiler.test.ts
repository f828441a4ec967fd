import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { configPatchMessage, configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

describe('config compiler and publisher', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    hub = await startHub(broker.url);
    seed(hub);
    panel = await fakePanel(broker.url, 'p1');
    // seed() publishes a version per change; wait for the last one before each test starts.
    const latest = hub.store.panels.published('p1')!.version;
    await until(
      () => panel.on('config/desired').some((m) => (m.payload as { version: number }).version === latest),
      'snapshot',
    );
  });
  afterEach(async () => {
    await panel.close();
    await hub.stop();
  });

  it("gives a panel only its doors' residents, cards and time profiles, retained", async () => {
    // A panel connecting later gets the snapshot from the broker's retained store.
    const late = await fakePanel(broker.url, 'p1', 'late');
    await until(() => late.on('config/desired').length > 0, 'retained snapshot');
    await late.close();
    const retained = late.on('config/desired')[0]!;
    expect(retained.retain).toBe(true);
    const snap = configSnapshotMessage.parse(retained.payload);
    expect(snap.version).toBe(hub.store.panels.published('p1')!.version);
    expect(snap.data.doors.map((d) => d.id)).toEqual(['door-a']);
    expect(snap.data.residents.map((r) => r.id)).toEqual(['alice']);
    expect(snap.data.cards.map((c) => [c.id, c.uid])).toEqual([['card-alice', '04A1B2C3']]);
    expect(snap.data.accessRules.map((r) => r.id)).toEqual(['r-alice']);
    expect(snap.data.timeProfiles.map((t) => t.id)).toEqual(['weekdays']);
    expect(snap.data.buildings.map((b) => b.id)).toEqual(['b1']);
  });

  it('turns a card revocation into a one-card patch N→N+1 and a new retained snapshot', async () => {
    const before = configSnapshotMessage.parse(panel.on('config/desired').at(-1)!.payload);
    panel.messages.length = 0;
    hub.store.entities.update('cards', 'card-alice', { status: 'revoked' });
    await until(
      () => panel.on('config/patch').length === 1 && panel.on('config/desired').length === 1,
      'patch',
    );
    const patch = configPatchMessage.parse(panel.on('config/patch')[0]!.payload);
    expect(patch.baseVersion).toBe(before.version);
    expect(patch.version).toBe(before.version + 1);
    expect(patch.delete).toEqual({});
    expect(patch.upsert).toEqual({
      cards: [expect.objectContaining({ id: 'card-alice', status: 'revoked' })],
    });
    const snap = configSnapshotMessage.parse(panel.on('config/desired')[0]!.payload);
    expect(snap.version).toBe(before.version + 1);
    expect(snap.data.cards[0]!.status).toBe('revoked');
  });

  it('deletes a removed card by id in the patch', async () => {
    panel.messages.length = 0;
    hub.store.entities.remove('cards', 'card-alice');
    await until(() => panel.on('config/patch').length === 1, 'patch');
    const patch = configPatchMessage.parse(panel.on('config/patch')[0]!.payload);
    expect(patch.delete).toEqual({ cards: ['card-alice'] });
    expect(patch.upsert).toEqual({});
  });

  it('publishes nothing when a change does not alter the compiled snapshot', async () => {
    const version = hub.store.panels.published('p1')!.version;
    panel.messages.length = 0;
    // Bob's card is not on p1's doors; renaming an unrelated building field of p2's door does not touch p1.
    hub.store.entities.update('cards', 'card-bob', { status: 'blocked' });
    hub.store.entities.update('doors', 'door-b', { name: 'Door B (north)' });
    await new Promise((r) => setTimeout(r, 200));
    expect(panel.messages).toEqual([]);
    expect(hub.store.panels.published('p1')!.version).toBe(version);
  });

  it('republishes the retained snapshot on config/request', async () => {
    const version = hub.store.panels.published('p1')!.version;
    panel.messages.length = 0;
    await panel.publish('config/request', { protocol: 1, haveVersion: 0, reason: 'gap', at: 1 });
    await until(() => panel.on('config/desired').length === 1, 'republished snapshot');
    expect(configSnapshotMessage.parse(panel.on('config/desired')[0]!.payload).version).toBe(version);
  });

  it('records config/reported and online state for the admin API', async () => {
    await panel.publish('config/reported', {
      protocol: 1,
      version: 1,
      status: 'rejected',
      rejectedVersion: 2,
      reason: 'bad',
      at: 5,
    });
    await panel.publish('state', { protocol: 1, status: 'online', configVersion: 1, at: 6 });
    await until(() => hub.store.panels.view('p1').online, 'state');
    await until(() => hub.store.panels.view('p1').config.reportedStatus === 'rejected', 'reported');
    expect(hub.store.panels.view('p1').config).toMatchObject({
      reportedVersion: 1,
      rejectedVersion: 2,
      rejectReason: 'bad',
    });
  });
});
