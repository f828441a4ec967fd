/**
 * The hub side of signed config: what it publishes verifies with its key under the config context and
 * names the panel, epoch and trusted keys; a panel reporting a version the hub never published raises the
 * alarm (admin API), starts a new epoch when the panel is in the hub's epoch, and clears once the panel
 * reports a published version again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { splitSignedConfig, verifyConfigSignature } from '../../../cloud-sync/protocol/config-signing.ts';
import { configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

describe('hub: signed config and the unpublished-version alarm', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    seed(hub);
    panel = await fakePanel(broker.url, 'p1');
    const latest = hub.store.panels.published('p1')!.version;
    await until(
      () => panel.on('config/desired').some((m) => (m.payload as { version: number }).version === latest),
      'snapshot',
    );
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  const report = (version: number, epoch?: number) =>
    panel.publish('config/reported', {
      protocol: 1,
      version,
      status: 'unchanged',
      ...(epoch !== undefined ? { epoch } : {}),
      at: Date.now(),
    });
  const status = async () => (await adminApi(hub)('GET', '/api/v1/panels/p1')).body.config;

  it('publishes snapshots signed under the config context, naming the panel, epoch and keys', async () => {
    const message = panel.on('config/desired').at(-1)!;
    const split = splitSignedConfig(message.raw, 'snapshot');
    if (!split.ok) throw new Error(split.detail);
    const key = await importPublicKey(hub.publicKey);
    expect(await verifyConfigSignature([key], split.header, split.body)).toBe(true);
    expect(await verifyConfigSignature([key], { ...split.header, kind: 'patch' }, split.body)).toBe(false);
    const body = configSnapshotMessage.parse(JSON.parse(Buffer.from(split.body).toString()));
    expect(body).toMatchObject({ deviceId: 'p1', epoch: 1, hubKeys: [hub.publicKey] });
    expect(split.header).toMatchObject({ deviceId: 'p1', epoch: 1, version: body.version });
    // Nor does a config signature pass as a command.
    const asCommand = {
      protocol: 1,
      body: Buffer.from(split.body).toString('base64url'),
      signature: split.header.signature,
    };
    expect(await verifyCommand(key, asCommand, { deviceId: 'p1', now: Date.now() })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('alarms on a version it never published; a panel without epochs is not sent a new one', async () => {
    const { publishedVersion, epoch } = await status();
    await report(Number.MAX_SAFE_INTEGER);
    await until(async () => (await status()).alarm !== null, 'the alarm');
    expect((await status()).alarm).toMatchObject({
      reportedVersion: Number.MAX_SAFE_INTEGER,
      publishedVersion,
      clearedAt: null,
    });
    expect((await status()).epoch).toBe(epoch);
    // Back on a published version: the alarm is cleared, and kept for the record.
    await report(publishedVersion);
    await until(async () => (await status()).alarm?.clearedAt !== null, 'the alarm cleared');
  });

  it('a panel in the hub epoch with an unpublished version gets a new epoch', async () => {
    const { publishedVersion, epoch } = await status();
    panel.messages.length = 0;
    await report(publishedVersion + 10, epoch);
    await until(
      () => panel.on('config/desired').some((m) => (m.payload as { epoch: number }).epoch === epoch + 1),
      'a snapshot of the next epoch',
    );
    expect(await status()).toMatchObject({
      epoch: epoch + 1,
      alarm: { reportedVersion: publishedVersion + 10 },
    });
  });
});
