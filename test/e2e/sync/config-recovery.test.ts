/**
 * Recovery and rotation by the hub alone, against a real panel process over Mosquitto: a panel reporting a
 * version the hub never published raises the hub's alarm and is put back on the hub's config by a new
 * epoch; an administrator can start a new epoch too; and the hub's signing key rotates without touching the
 * panel, after which the old key opens nothing and changes nothing, across a panel restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_FILE } from '../../../cloud-sync/hub/signer/keys.ts';
import {
  importPrivateKey,
  importPublicKey,
  type SigningKey,
  signCommand,
} from '../../../cloud-sync/protocol/signing.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { signedSnapshot } from '../../support/signed-config.ts';
import {
  deviceRoot,
  type Lab,
  panelEvents,
  type Received,
  rawClient,
  seedResident,
  startLab,
  startSyncPanel,
  tap,
  waitForConfigApplied,
} from './harness.ts';

const UID = '04C0C0A0';
const HUB_TWIN = { name: 'hub-twin', password: 'hub-twin-password-0123456789' };

describe('config recovery and key rotation by the hub alone', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let asHub: { client: MqttClient; received: Received[] };

  beforeAll(async () => {
    lab = await startLab({
      panelIds: ['p1'],
      extraUsers: { [HUB_TWIN.name]: HUB_TWIN.password },
      extraAcl: `\nuser ${HUB_TWIN.name}\ntopic readwrite portvakt/v1/#\n`,
    });
    seedResident(lab.hub, lab.panels['p1']!, UID);
    panel = await startSyncPanel(lab.panels['p1']!);
    await waitForConfigApplied(lab.hub, 'p1');
    asHub = await rawClient(lab.broker.port, HUB_TWIN.name, HUB_TWIN.password);
    await asHub.client.subscribeAsync(`${deviceRoot('p1')}/commands/result`, { qos: 1 });
  });
  afterAll(async () => {
    await asHub?.client.endAsync();
    await panel?.stop();
    await lab?.stop();
  });

  const admin = () => adminApi(lab.hub);
  const restartPanel = async (between?: () => void | Promise<void>) => {
    await panel.stop();
    await between?.();
    panel = await startSyncPanel(lab.panels['p1']!);
  };

  it('a panel reporting an unpublished version raises the alarm and is recovered by a new epoch', async () => {
    const { config: before } = lab.hub.store.panels.view('p1');
    // A replica poisoned before config was signed (or ahead of a hub restored from a backup).
    await restartPanel(() => {
      const db = new Database(join(lab.panels['p1']!.dir, 'store'));
      db.prepare("UPDATE sync_state SET value = ? WHERE key = 'config_version'").run(Number.MAX_SAFE_INTEGER);
      db.close();
    });
    // A revocation meanwhile: a panel stuck at the poisoned version would ignore it.
    await admin()('POST', '/api/v1/cards/p1-card/revoke');
    await until(() => lab.hub.store.panels.view('p1').config.alarm !== null, 'the alarm');
    const { body } = await admin()('GET', '/api/v1/panels/p1');
    expect(body.config.alarm).toMatchObject({
      reportedVersion: Number.MAX_SAFE_INTEGER,
      publishedVersion: expect.any(Number),
    });
    await waitForConfigApplied(lab.hub, 'p1');
    const { config: after } = lab.hub.store.panels.view('p1');
    expect(after.epoch).toBe(before.epoch! + 1);
    expect(after.alarm?.clearedAt).toEqual(expect.any(Number));
    expect((await tap(panel, UID)).body).toMatchObject({ granted: false, reason: 'card_revoked' });
  });

  it('an administrator can start a new epoch for a panel', async () => {
    const { epoch } = lab.hub.store.panels.view('p1').config;
    const bumped = await admin()('POST', '/api/v1/panels/p1/config-epoch');
    expect(bumped).toMatchObject({ status: 200, body: { epoch: epoch! + 1 } });
    await until(
      async () =>
        (await panelEvents(panel)).some((e) => e.type === 'config.applied' && e.data['epoch'] === epoch! + 1),
      'the new epoch applied on the panel',
    );
  });

  it('rotates the signing key; afterwards the old key is refused for commands and config, also after a restart', async () => {
    const oldFile = JSON.parse(readFileSync(join(lab.hubDir, KEY_FILE), 'utf8'));
    const oldKey = await importPrivateKey(oldFile.privateKey);
    const begun = await admin()('POST', '/api/v1/signing-keys/rotation', { step: 'begin' });
    expect(begun).toMatchObject({
      status: 200,
      body: { current: oldFile.publicKey, next: expect.any(String) },
    });
    await waitForConfigApplied(lab.hub, 'p1');
    const finished = await admin()('POST', '/api/v1/signing-keys/rotation', { step: 'finish' });
    expect(finished).toMatchObject({
      status: 200,
      body: { current: begun.body.next, next: null, behind: [] },
    });
    await waitForConfigApplied(lab.hub, 'p1');
    // The file now holds the new key only.
    expect(JSON.parse(readFileSync(join(lab.hubDir, KEY_FILE), 'utf8')).publicKey).toBe(begun.body.next);

    const check = async () => {
      // The hub's commands (new key) are carried out.
      const opened = await admin()('POST', `/api/v1/doors/${lab.panels['p1']!.doorId}/open`, {
        onBehalfOf: { kind: 'admin', id: 'rotation-test' },
        reason: 'after rotation',
      });
      await until(
        async () => (await admin()('GET', `/api/v1/commands/${opened.body.nonce}`)).body.status === 'done',
        'the new-key command done',
      );
      // A command signed with the old key is refused.
      const now = Date.now();
      const old = await signCommand(oldKey as SigningKey, {
        nonce: `old-key-${now}-0123456789`,
        deviceId: 'p1',
        issuedAt: now,
        expiresAt: now + 30_000,
        command: {
          type: 'door.open',
          doorId: lab.panels['p1']!.doorId,
          onBehalfOf: { kind: 'admin', id: 'x' },
          reason: 'old key',
        },
      });
      await asHub.client.publishAsync(`${deviceRoot('p1')}/commands`, JSON.stringify(old), { qos: 1 });
      await until(
        () =>
          asHub.received.some((m) => {
            const result = JSON.parse(m.payload.toString());
            return result.nonce === `old-key-${now}-0123456789` && /^bad_signature/.test(result.reason ?? '');
          }),
        'the old-key command refused',
      );
      // Config signed with the old key is refused.
      const version = lab.hub.store.panels.view('p1').config.publishedVersion! + 1;
      const signer = { privateKey: oldKey, publicKey: await importPublicKey(oldFile.publicKey) };
      const forged = await signedSnapshot(signer, {
        deviceId: 'p1',
        version,
        epoch: 99,
        hubKeys: [oldFile.publicKey],
      });
      await asHub.client.publishAsync(`${deviceRoot('p1')}/config/desired`, forged, { qos: 1 });
      await until(
        async () =>
          (await panelEvents(panel)).some(
            (e) =>
              e.type === 'config.rejected' &&
              e.data['rejectedVersion'] === version &&
              /^bad_signature/.test(String(e.data['reason'])),
          ),
        'the old-key config refused',
      );
      expect(lab.hub.store.panels.view('p1').config.reportedVersion).toBeLessThan(version);
    };
    await check();
    // The panel keeps what it learned in its store, not in its YAML (which still names the old key).
    await restartPanel();
    await until(() => lab.hub.store.panels.view('p1').online, 'p1 back online');
    await check();
  });
});
