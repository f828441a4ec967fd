/**
 * Updates through the hub's API: a release added on the command line, POST …/panels/{id}/update → a
 * signed update.install on the panel's topic (verified as a panel does), the bundle fetched from the
 * bundle server with the command's sha256, the panel's update.* events → `update` on GET …/panels/{id}.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubCli } from '../../../cloud-sync/hub/cli.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi, startTestHub } from '../../support/hub.ts';
import { updateFixtures } from '../../support/rauc-bundles.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';

describe('software updates through the hub API', () => {
  let fx: ReturnType<typeof updateFixtures>;
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let panel: FakePanel;
  let releaseId: string;

  beforeAll(async () => {
    fx = updateFixtures();
    const dataDir = tempDir('portvakt-hub-');
    const io = { out: () => {}, err: () => {}, env: {}, stdin: async () => '' };
    broker = await startBroker();
    hub = await startTestHub({
      brokerUrl: broker.url,
      protocolVersion: 4,
      dataDir,
      releases: { keyring: fx.keys.keyring, publicUrl: 'http://127.0.0.1:1', port: 0 },
    });
    seed(hub);
    const out: string[] = [];
    const code = await runHubCli(
      ['release', 'add', '--file', fx.good, '--keyring', fx.keys.keyring, '-d', dataDir],
      { ...io, out: (t) => void out.push(t) },
    );
    expect(code).toBe(0);
    releaseId = JSON.parse(out.join('')).id;
    call = adminApi(hub);
    panel = await fakePanel(broker.url, 'p1');
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  it('lists the release, sends a signed update.install, and files the panel events as its status', async () => {
    const list = await call('GET', '/api/v1/releases');
    expect(list.body.items).toEqual([expect.objectContaining({ id: releaseId, version: fx.goodVersion })]);

    expect((await call('POST', '/api/v1/panels/p1/update', { releaseId: '../etc' })).status).toBe(400);
    expect(
      (await call('POST', '/api/v1/panels/p1/update', { releaseId: 'rel-0000000000000000' })).status,
    ).toBe(404);
    const sent = await call('POST', '/api/v1/panels/p1/update', { releaseId });
    expect(sent.status).toBe(202);
    await until(() => panel.on('commands').length === 1, 'the command at the panel');
    const verified = await verifyCommand(
      [await importPublicKey(hub.publicKey)],
      panel.on('commands')[0]?.payload,
      {
        deviceId: 'p1',
        now: Date.now(),
      },
    );
    if (!verified.ok || verified.body.command.type !== 'update.install')
      throw new Error('not a valid update.install');
    const command = verified.body.command;
    expect(command).toMatchObject({ releaseId, version: fx.goodVersion });
    expect((await call('GET', '/api/v1/panels/p1')).body.update).toMatchObject({
      state: 'requested',
      nonce: sent.body.nonce,
    });

    // What the panel downloads: the bundle server serves exactly the bytes the command names.
    const bundles = hub.bundleAddress;
    const res = await fetch(`http://127.0.0.1:${bundles?.port}/releases/${releaseId}.raucb`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(command.sha256);
    expect(bytes.length).toBe(command.sizeBytes);

    const release = { releaseId, version: fx.goodVersion };
    const events = [
      ['update.started', { ...release, fromVersion: fx.version }],
      ['update.progress', { ...release, phase: 'installing', percent: 50 }],
    ] as const;
    const event = (seq: number, type: string, data: object) => ({
      id: `00000000-0000-7000-8000-00000000000${seq}`,
      seq,
      ts: Date.now(),
      type,
      doorId: null,
      readerId: null,
      data,
    });
    await panel.publish('events', {
      protocol: 1,
      afterSeq: 0,
      events: events.map(([type, data], i) => event(i + 1, type, data)),
    });
    await until(
      async () => (await call('GET', '/api/v1/panels/p1')).body.update?.state === 'installing',
      'the status to follow the events',
    );
    await panel.publish('events', {
      protocol: 1,
      afterSeq: 2,
      events: [
        event(3, 'update.installed', release),
        event(4, 'update.confirmed', { ...release, slot: 'B' }),
      ],
    });
    await until(
      async () => (await call('GET', '/api/v1/panels/p1')).body.update?.state === 'confirmed',
      'the status to reach confirmed',
    );
  });
});
