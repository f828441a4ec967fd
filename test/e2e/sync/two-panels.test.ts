import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import {
  deviceRoot,
  hubEvents,
  type Lab,
  panelEvents,
  rawClient,
  seedResident,
  startLab,
  startSyncPanel,
  tap,
  waitForConfigApplied,
} from './harness.ts';

// Two real panels on one broker with the product ACL, each logging in with the credentials `provision`
// gave it. Panel A's credentials in someone else's hands must not reach panel B: not B's config, events
// or commands, and nothing published as A lands in B's data at the hub or at B.
const NOT_AUTHORIZED = 135;
const UID = { p1: '04AAAA01', p2: '04BBBB02' } as const;

describe('two panels with their own credentials', () => {
  let lab: Lab;
  const running: Record<string, PanelProcess> = {};

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1', 'p2'] });
    for (const id of ['p1', 'p2'] as const) seedResident(lab.hub, lab.panels[id]!, UID[id]);
    [running['p1'], running['p2']] = await Promise.all([
      startSyncPanel(lab.panels['p1']!),
      startSyncPanel(lab.panels['p2']!),
    ]);
  });
  afterAll(async () => {
    await Promise.all(Object.values(running).map((p) => p.stop()));
    await lab?.stop();
  });

  /** Taps the panel's card and waits until the hub has that access.granted from that panel. */
  async function grantedAndSynced(id: 'p1' | 'p2'): Promise<void> {
    const res = await tap(running[id]!, UID[id]);
    expect(res.body).toMatchObject({ granted: true, doorIds: [lab.panels[id]!.doorId] });
    const local = (await panelEvents(running[id]!)).filter((e) => e.type === 'access.granted').at(-1)!;
    await until(
      () => hubEvents(lab.hub, id).some((e) => e.id === local.id),
      `${id}'s access.granted at the hub`,
      10_000,
    );
  }

  it('both panels take their own config and sync their events at the same time', async () => {
    await Promise.all([waitForConfigApplied(lab.hub, 'p1'), waitForConfigApplied(lab.hub, 'p2')]);
    await Promise.all([grantedAndSynced('p1'), grantedAndSynced('p2')]);
    // Each panel got only its own building data: the other panel's card is unknown there.
    expect((await tap(running['p1']!, UID.p2)).body).toMatchObject({
      granted: false,
      reason: 'unknown_card',
    });
    expect((await tap(running['p2']!, UID.p1)).body).toMatchObject({
      granted: false,
      reason: 'unknown_card',
    });
  });

  it("panel A's credentials can neither read nor write panel B's topics", async () => {
    // One login holds one session (client id = username): A's process must be off while its
    // credentials are used elsewhere, or the two would keep taking the session from each other.
    await running['p1']!.stop();
    const asA = await rawClient(lab.broker.port, 'p1', lab.panels['p1']!.password);
    try {
      // Mosquitto grants subscriptions and filters on delivery, so what counts is what arrives.
      await asA.client.subscribeAsync([`${deviceRoot('p2')}/#`, 'portvakt/v1/#'], { qos: 1 });

      const forgedEvent = {
        protocol: 1,
        afterSeq: 0,
        live: true,
        events: [
          {
            id: 'forged-by-a',
            seq: 1,
            ts: Date.now(),
            type: 'access.granted',
            doorId: null,
            readerId: null,
            data: {},
          },
        ],
      };
      await expect(
        asA.client.publishAsync(`${deviceRoot('p2')}/events`, JSON.stringify(forgedEvent), { qos: 1 }),
      ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
      await expect(
        asA.client.publishAsync(`${deviceRoot('p2')}/commands`, '{"protocol":1}', { qos: 1 }),
      ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
      await expect(
        asA.client.publishAsync(`${deviceRoot('p2')}/config/desired`, '{}', { qos: 1, retain: true }),
      ).rejects.toMatchObject({ code: NOT_AUTHORIZED });

      // Live traffic on B's topics in both directions: an event from B, a command and a config patch to B.
      await grantedAndSynced('p2');
      const opened = await adminApi(lab.hub)('POST', `/api/v1/doors/${lab.panels['p2']!.doorId}/open`, {
        onBehalfOf: { kind: 'admin', id: 'ops' },
        reason: 'acl test',
      });
      await until(
        () => lab.hub.store.commands.get(opened.body.nonce, Date.now())?.status === 'done',
        'p2 executed the hub command',
        10_000,
      );
      lab.hub.store.entities.update('residents', 'p2-resident', { name: 'Renamed' });
      await waitForConfigApplied(lab.hub, 'p2');

      // A sentinel A may read, sent after all of that: a hub command to A itself (a panel cannot write
      // what it reads). Delivery to one client is in order, so once it is here anything of B's that
      // would have reached A has too.
      await adminApi(lab.hub)('POST', `/api/v1/doors/${lab.panels['p1']!.doorId}/open`, {
        onBehalfOf: { kind: 'admin', id: 'ops' },
        reason: 'sentinel',
      });
      await until(
        () => asA.received.some((m) => m.topic === `${deviceRoot('p1')}/commands`),
        'sentinel command',
        5000,
      );
      expect(asA.received.filter((m) => m.topic.startsWith(`${deviceRoot('p2')}/`))).toEqual([]);

      expect(hubEvents(lab.hub, 'p2').some((e) => e.id === 'forged-by-a')).toBe(false);
      const bLog = await panelEvents(running['p2']!);
      expect(bLog.filter((e) => e.type === 'command.refused' || e.type === 'sync.rejected')).toEqual([]);
      expect(bLog.filter((e) => e.type === 'command.executed')).toHaveLength(1);
    } finally {
      await asA.client.endAsync();
    }
  });

  it('panel A comes back on its own credentials and both keep syncing', async () => {
    running['p1'] = await startSyncPanel(lab.panels['p1']!);
    await until(() => lab.hub.store.panels.view('p1').online, 'p1 online again', 10_000);
    await Promise.all([grantedAndSynced('p1'), grantedAndSynced('p2')]);
    for (const id of ['p1', 'p2'] as const) {
      const local = await panelEvents(running[id]!);
      await until(
        () => lab.hub.store.panels.view(id).eventPosition >= local.at(-1)!.seq,
        `${id} stream caught up`,
        10_000,
      );
      const stored = new Set(hubEvents(lab.hub, id).map((e) => e.id));
      expect(local.filter((e) => !stored.has(e.id))).toEqual([]);
    }
  });
});
