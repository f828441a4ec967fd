/**
 * The fast path: a card change, or a change of a resident's own fields, goes out as a one-row patch at
 * once, and the recompile that follows (on the hub's clock) folds it into the stored snapshot without a
 * second version, unless the data moved on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import { RECOMPILE_DELAY_MS } from '../../../cloud-sync/hub/config/publisher.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { configPatchMessage, configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { until } from '../../../scripts/lab/until.ts';
import { startTestHub } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';

describe('card and resident changes on the fast path', () => {
  let broker: Broker;
  let hub: Hub;
  let p1: FakePanel;
  let p2: FakePanel;
  const clock = new FakeClock();
  const patches = (panel: FakePanel) =>
    panel.on('config/patch').map((m) => configPatchMessage.parse(m.payload));
  const snapshots = (panel: FakePanel) =>
    panel.on('config/desired').map((m) => configSnapshotMessage.parse(m.payload));

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock });
    seed(hub);
    p1 = await fakePanel(broker.url, 'p1');
    p2 = await fakePanel(broker.url, 'p2');
    await until(() => snapshots(p1).length > 0 && snapshots(p2).length > 0, 'retained snapshots');
  });
  afterAll(async () => {
    await p1.close();
    await p2.close();
    await hub.stop();
    await broker.close();
  });
  beforeEach(() => {
    clock.advance(RECOMPILE_DELAY_MS);
    p1.messages.length = 0;
    p2.messages.length = 0;
  });

  const published = (panelId: string) => hub.store.panels.view(panelId).config.publishedVersion!;

  it('sends a revocation as a one-card patch at once; the recompile republishes the same version', async () => {
    const version = published('p1');
    hub.store.entities.update('cards', 'card-alice', { status: 'revoked' });
    await until(() => patches(p1).length === 1, 'the patch');
    expect(patches(p1)[0]).toMatchObject({
      baseVersion: version,
      version: version + 1,
      upsert: { cards: [expect.objectContaining({ id: 'card-alice', status: 'revoked' })] },
      delete: {},
    });
    expect(published('p1')).toBe(version + 1);
    // No snapshot compiled yet: that work waits for the hub's clock. (A late copy of the retained one from
    // the hub's connect may still arrive on a loaded machine: only a newer version would be wrong.)
    expect(snapshots(p1).filter((s) => s.version > version)).toEqual([]);

    clock.advance(RECOMPILE_DELAY_MS);
    const newer = () => snapshots(p1).filter((s) => s.version > version);
    await until(() => newer().length === 1, 'the retained snapshot');
    expect(newer()[0]!.version).toBe(version + 1);
    expect(newer()[0]!.data.cards[0]).toMatchObject({ id: 'card-alice', status: 'revoked' });
    expect(patches(p1)).toHaveLength(1);
    expect(hub.store.pendingPatches.list('p1')).toEqual([]);
    const stored = hub.store.panels.published('p1')!;
    expect(stored.version).toBe(version + 1);
    expect(stored.snapshot).toEqual(compilePanelSnapshot(hub.store, 'p1'));
  });

  it('a card moved to a resident of another panel: deleted at one, added at the other', async () => {
    const [v1, v2] = [published('p1'), published('p2')];
    hub.store.entities.update('cards', 'card-alice', { residentId: 'bob' });
    await until(() => patches(p1).length === 1 && patches(p2).length === 1, 'both patches');
    expect(patches(p1)[0]).toMatchObject({ version: v1 + 1, delete: { cards: ['card-alice'] }, upsert: {} });
    expect(patches(p2)[0]).toMatchObject({
      version: v2 + 1,
      upsert: { cards: [expect.objectContaining({ id: 'card-alice', residentId: 'bob' })] },
    });
  });

  it('when other data changed before the recompile, the next version carries only that difference', async () => {
    const version = published('p1');
    const patchAt = (v: number) => patches(p1).find((p) => p.version === v);
    hub.store.entities.update('cards', 'card-bob', { residentId: 'alice', status: 'blocked' });
    await until(() => patchAt(version + 1) !== undefined, 'the fast patch');
    // A unit rename recompiles at once, folding the pending card patch in.
    hub.store.entities.update('units', 'u1', { name: '1101 A' });
    await until(
      () => patchAt(version + 2) !== undefined && snapshots(p1).some((s) => s.version === version + 2),
      'the full patch and snapshot',
    );
    expect(patchAt(version + 2)).toMatchObject({
      baseVersion: version + 1,
      upsert: { units: [expect.objectContaining({ id: 'u1', name: '1101 A' })] },
      delete: {},
    });
    expect(patchAt(version + 2)!.upsert.cards).toBeUndefined();
    expect(hub.store.pendingPatches.list('p1')).toEqual([]);
  });

  it("sends a resident's own fields (doorbell text, removal) as a one-row patch at once", async () => {
    const version = published('p1');
    hub.store.entities.update('residents', 'alice', { displayName: 'A. Andersson' });
    await until(() => patches(p1).length === 1, 'the patch');
    expect(patches(p1)[0]).toMatchObject({
      baseVersion: version,
      version: version + 1,
      upsert: { residents: [expect.objectContaining({ id: 'alice', displayName: 'A. Andersson' })] },
      delete: {},
    });
    expect(snapshots(p1)).toEqual([]);
    // The same row written again: nothing for any panel.
    hub.store.entities.update('residents', 'alice', { displayName: 'A. Andersson' });
    clock.advance(RECOMPILE_DELAY_MS);
    await until(() => snapshots(p1).length === 1, 'the retained snapshot');
    expect(snapshots(p1)[0]!.version).toBe(version + 1);
    expect(patches(p1)).toHaveLength(1);
    expect(hub.store.panels.published('p1')!.snapshot).toEqual(compilePanelSnapshot(hub.store, 'p1'));
  });

  it('recompiles a resident who moves unit (other rows come with them)', async () => {
    const version = published('p1');
    hub.store.entities.create('units', { id: 'u9', buildingId: 'b1', name: '1109' });
    p1.messages.length = 0;
    hub.store.entities.update('residents', 'alice', { unitId: 'u9' });
    await until(() => snapshots(p1).some((s) => s.version === version + 1), 'the recompiled snapshot');
    expect(patches(p1)[0]!.upsert.units).toEqual([expect.objectContaining({ id: 'u9' })]);
  });
});
