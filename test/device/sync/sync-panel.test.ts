/**
 * The whole panel (sim GPIO) with cloud sync against a private Mosquitto and a hub-side client: config
 * snapshot applied, events streamed and acked, signed door.open pulses the relay once, refused commands
 * are audited and never move it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandBody } from '../../../cloud-sync/protocol/messages.ts';
import {
  exportPublicKey,
  generateSigningKeys,
  type SigningKey,
  signCommand,
} from '../../../cloud-sync/protocol/signing.ts';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { simGpioOf } from '../../../device/sim/sim-hardware.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import type { MosquittoHandle } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { hubClient, PANEL_PASSWORD, startBroker } from '../../cloud-sync/agent/broker.ts';
import { panelConfig } from '../../support/configs.ts';
import { signedPatch, signedSnapshot, type TestSigner } from '../../support/signed-config.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { SAMPLE_PAYLOADS } from '../audit/sample-events.ts';
import { smallSnapshot } from '../store/temp-store.ts';

const DEVICE = 'test-panel';

describe('panel with cloud sync', () => {
  let broker: MosquittoHandle;
  let hub: Awaited<ReturnType<typeof hubClient>>;
  let panel: Panel;
  let hubKey: SigningKey;
  let signer: TestSigner;

  beforeAll(async () => {
    broker = await startBroker(DEVICE);
    hub = await hubClient(broker.port, DEVICE);
    const keys = await generateSigningKeys();
    hubKey = keys.privateKey as SigningKey;
    signer = keys as TestSigner;
    const config = panelConfig({ storePath: join(tempDir(), 'panel.db') });
    config['sync'] = {
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      password: PANEL_PASSWORD,
      hubPublicKey: await exportPublicKey(keys.publicKey as SigningKey),
    };
    panel = new Panel({ config: validateConfig(config), logger: silentLogger });
    await panel.start();
  });
  afterAll(async () => {
    await panel?.stop();
    await hub?.close();
    await broker?.stop();
  });

  const relayPulses = () => simGpioOf(panel.gpio!)!.relays()[0]!.energizeCount;
  const streamedSeqs = () =>
    hub
      .on('events')
      .filter((m) => !m['live'])
      .flatMap((m) => (m['events'] as Array<{ seq: number }>).map((e) => e.seq));
  const command = (nonce: string, overrides: Partial<CommandBody> = {}): CommandBody => ({
    nonce,
    deviceId: DEVICE,
    issuedAt: Date.now(),
    expiresAt: Date.now() + 30_000,
    command: {
      type: 'door.open',
      doorId: 'entrance',
      onBehalfOf: { kind: 'admin', id: 'ops' },
      reason: 'test',
    },
    ...overrides,
  });

  it('comes online, reports version 0 and asks for a snapshot; applies the snapshot', async () => {
    await until(() => hub.on('config/request').length > 0, 'startup request');
    expect(hub.on('state')[0]).toMatchObject({ status: 'online' });
    await hub.publish(
      'config/desired',
      await signedSnapshot(signer, { deviceId: DEVICE, version: 1 }, smallSnapshot()),
      true,
    );
    await until(() => hub.on('config/reported').some((r) => r['status'] === 'applied'), 'applied');
    expect(panel.store!.sync.configVersion()).toBe(1);
  });

  it('streams the audit log in order and lets rows go only when acked', async () => {
    await until(() => streamedSeqs().length > 0, 'events');
    const last = Math.max(...streamedSeqs());
    expect(streamedSeqs()).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(panel.store!.sync.ackedSeq()).toBe(0);
    await hub.publish('events/ack', { protocol: 1, upToSeq: last });
    await until(() => panel.store!.sync.ackedSeq() === last, 'ack persisted');
  });

  it('a signed door.open pulses the relay once; its replay and a forged one are refused and audited', async () => {
    const before = relayPulses();
    const signed = await signCommand(hubKey, command('nonce-valid-000000001'));
    await hub.publish('commands', signed);
    await until(() => hub.on('commands/result').length === 1, 'result');
    expect(hub.on('commands/result')[0]).toMatchObject({ status: 'done', nonce: 'nonce-valid-000000001' });
    expect(relayPulses()).toBe(before + 1);

    await hub.publish('commands', signed);
    const other = await generateSigningKeys();
    await hub.publish(
      'commands',
      await signCommand(other.privateKey as SigningKey, command('nonce-forged-00000001')),
    );
    await hub.publish(
      'commands',
      await signCommand(hubKey, command('nonce-other-000000001', { deviceId: 'panel-9' })),
    );
    await hub.publish('commands', 'not json');
    await until(() => hub.on('commands/result').length === 5, 'results');
    expect(
      hub
        .on('commands/result')
        .slice(1)
        .map((r) => r['status']),
    ).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(relayPulses()).toBe(before + 1);
    const refused = panel
      .audit!.after(0, 1000)
      .filter((e) => e.type === 'command.refused')
      .map((e) => e.data['reason']);
    expect(refused).toEqual(['replayed', 'bad_signature', 'wrong_device', 'malformed']);
    const executed = panel.audit!.after(0, 1000).filter((e) => e.type === 'command.executed');
    expect(executed).toHaveLength(1);
  });

  it('resends from the acked seq after the broker goes away, without loss', async () => {
    const acked = panel.store!.sync.ackedSeq();
    await broker.kill();
    // Events while offline.
    for (let i = 0; i < 3; i++)
      panel.audit!.append({
        type: 'access.denied',
        doorId: 'entrance',
        data: { ...SAMPLE_PAYLOADS['access.denied'], uidHash: `offline-${i}` },
      });
    await broker.restart();
    const lastSeq = panel.audit!.lastSeq();
    await until(() => streamedSeqs().includes(lastSeq), 'backlog after reconnect', 20_000);
    const after = streamedSeqs().filter((s) => s > acked);
    for (let s = acked + 1; s <= lastSeq; s++) expect(after).toContain(s);
    await hub.publish('events/ack', { protocol: 1, upToSeq: lastSeq });
    await until(() => panel.store!.sync.ackedSeq() >= lastSeq, 'acked');
  });

  it('garbage on config topics is rejected and audited; the config stays', async () => {
    await hub.publish('config/patch', { protocol: 1, baseVersion: 1, version: 2, issuedAt: 1 });
    await hub.publish(
      'config/patch',
      await signedPatch(signer, { deviceId: DEVICE, version: 2 }, { upsert: { cards: [{ id: 'x' }] } }),
    );
    await until(
      () => hub.on('config/reported').filter((r) => r['status'] === 'rejected').length === 2,
      'rejected',
    );
    expect(panel.store!.sync.configVersion()).toBe(1);
    expect(
      panel
        .audit!.after(0, 1000)
        .filter((e) => e.type === 'config.rejected')
        .map((e) => String(e.data['reason']).split(':')[0]),
    ).toEqual(['unsigned', 'upsert.cards[0]']);
  });
});
