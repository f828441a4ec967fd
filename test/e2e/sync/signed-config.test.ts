/**
 * Config is authenticated by the hub's signature, not by broker rights: over a real Mosquitto, with the
 * hub's own broker login and with the panel's, a made-up card is refused and audited once, a valid
 * snapshot of another panel is refused, and a version the hub never issued cannot make the panel ignore
 * later revocations.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildingSnapshot } from '../../../cloud-sync/protocol/building-snapshot.ts';
import { generateSigningKeys } from '../../../cloud-sync/protocol/signing.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { signedSnapshot, type TestSigner } from '../../support/signed-config.ts';
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

const UID_A = '04A1A1A1';
const UID_B = '04B2B2B2';
const FORGED_UID = '04DEAD00';
// The broker binds client id to username, so connecting as `hub` itself would only kick the hub off:
// this user has exactly the hub's broker rights instead.
const HUB_TWIN = { name: 'hub-twin', password: 'hub-twin-password-0123456789' };

describe('signed config over a real broker', () => {
  let lab: Lab;
  let panelA: PanelProcess;
  let panelB: PanelProcess;
  let asHub: { client: MqttClient; received: Received[] };
  let forger: TestSigner;

  beforeAll(async () => {
    lab = await startLab({
      panelIds: ['pa', 'pb'],
      extraUsers: { [HUB_TWIN.name]: HUB_TWIN.password },
      extraAcl: `\nuser ${HUB_TWIN.name}\ntopic readwrite portvakt/v1/#\n`,
    });
    seedResident(lab.hub, lab.panels['pa']!, UID_A);
    seedResident(lab.hub, lab.panels['pb']!, UID_B);
    [panelA, panelB] = await Promise.all([
      startSyncPanel(lab.panels['pa']!),
      startSyncPanel(lab.panels['pb']!),
    ]);
    await Promise.all([waitForConfigApplied(lab.hub, 'pa'), waitForConfigApplied(lab.hub, 'pb')]);
    asHub = await rawClient(lab.broker.port, HUB_TWIN.name, HUB_TWIN.password);
    forger = (await generateSigningKeys()) as TestSigner;
  });
  afterAll(async () => {
    await asHub?.client.endAsync();
    await panelA?.stop();
    await panelB?.stop();
    await lab?.stop();
  });

  /** Panel A's real snapshot with one card's uid swapped for a made-up one. */
  const forgedData = (): BuildingSnapshot => {
    const data = structuredClone(lab.hub.store.panels.published('pa')!.snapshot);
    data.cards[0]!.uid = FORGED_UID;
    return data;
  };
  const rejections = async (panel: PanelProcess, pattern: RegExp) =>
    (await panelEvents(panel)).filter(
      (e) => e.type === 'config.rejected' && pattern.test(String(e.data['reason'])),
    );

  it('a snapshot signed with another key, published retained with the hub login, is refused and audited once', async () => {
    const version = lab.hub.store.panels.view('pa').config.publishedVersion! + 1;
    const forged = await signedSnapshot(forger, { deviceId: 'pa', version }, forgedData());
    // Redelivered like a retained message is on every reconnect: the same bytes three times.
    for (let i = 0; i < 3; i++)
      await asHub.client.publishAsync(`${deviceRoot('pa')}/config/desired`, forged, { qos: 1, retain: true });
    // A different forgery after them: once it is refused, the three before it have been handled.
    const barrier = await signedSnapshot(forger, { deviceId: 'pa', version: version + 1 }, forgedData());
    await asHub.client.publishAsync(`${deviceRoot('pa')}/config/desired`, barrier, { qos: 1 });
    await until(async () => (await rejections(panelA, /bad_signature/)).length >= 2, 'both refusals audited');
    const refused = await rejections(panelA, /bad_signature/);
    expect(refused.map((e) => e.data['rejectedVersion'])).toEqual([version, version + 1]);
    expect((await tap(panelA, FORGED_UID)).body).toMatchObject({ granted: false });
    expect((await tap(panelA, UID_A)).body).toMatchObject({ granted: true });
  });

  it("the panel's own login cannot hand it config either", async () => {
    const version = lab.hub.store.panels.view('pa').config.publishedVersion! + 5;
    const unsigned = Buffer.from(
      JSON.stringify({ protocol: 1, version, issuedAt: Date.now(), data: forgedData() }),
    );
    const forged = await signedSnapshot(forger, { deviceId: 'pa', version: version + 1 }, forgedData());
    // Panel A's login from its panel.yaml (this takes the panel's connection over until it reconnects).
    // The broker may refuse these outright (least-privilege ACL); if it delivers them, the panel refuses.
    const asPanelA = await rawClient(lab.broker.port, 'pa', lab.panels['pa']!.password);
    for (const payload of [unsigned, forged])
      await asPanelA.client
        .publishAsync(`${deviceRoot('pa')}/config/desired`, payload, { qos: 1, retain: true })
        .catch(() => {});
    await asPanelA.client.endAsync();
    // Something the hub signs must still go through after them (and proves they were handled).
    const { cardId } = { cardId: 'pa-card' };
    await adminApi(lab.hub)('PATCH', `/api/v1/cards/${cardId}`, { validUntil: 4_102_444_800_000 });
    await waitForConfigApplied(lab.hub, 'pa');
    expect((await tap(panelA, FORGED_UID)).body).toMatchObject({ granted: false });
    expect((await tap(panelA, UID_A)).body).toMatchObject({ granted: true });
    expect((await rejections(panelA, /^unsigned/)).length).toBeLessThanOrEqual(1);
  });

  it("a valid snapshot of panel A replayed on panel B's topic is refused", async () => {
    await asHub.client.subscribeAsync(`${deviceRoot('pa')}/config/desired`, { qos: 1 });
    // The hub republishes A's real snapshot after a change; the retained copy may be a forgery by now.
    const isRealSnapshot = (m: Received) =>
      m.topic.startsWith(deviceRoot('pa')) &&
      m.payload.toString().startsWith('{"protocol":1,"kind":"snapshot","deviceId":"pa"') &&
      (lab.hub.store.panels.view('pa').config.publishedVersion ?? 0) > 0;
    asHub.received.length = 0;
    await adminApi(lab.hub)('PATCH', '/api/v1/cards/pa-card', { validUntil: 4_102_444_800_001 });
    await until(() => asHub.received.some(isRealSnapshot), "A's signed snapshot");
    const real = asHub.received.findLast(isRealSnapshot)!;
    await asHub.client.publishAsync(`${deviceRoot('pb')}/config/desired`, real.payload, {
      qos: 1,
      retain: true,
    });
    await until(async () => (await rejections(panelB, /wrong_device/)).length === 1, 'the refusal on B');
    expect((await tap(panelB, UID_A)).body).toMatchObject({ granted: false });
    expect((await tap(panelB, UID_B)).body).toMatchObject({ granted: true });
  });

  it('the version ratchet (9007199254740991) is refused, and later real revocations still apply', async () => {
    const forged = await signedSnapshot(forger, { deviceId: 'pb', version: Number.MAX_SAFE_INTEGER }, {});
    const unsigned = Buffer.from(
      JSON.stringify({ protocol: 1, version: Number.MAX_SAFE_INTEGER, issuedAt: Date.now(), data: {} }),
    );
    await asHub.client.publishAsync(`${deviceRoot('pb')}/config/desired`, forged, { qos: 1, retain: true });
    await asHub.client.publishAsync(`${deviceRoot('pb')}/config/desired`, unsigned, { qos: 1, retain: true });
    await until(
      async () => (await rejections(panelB, /bad_signature|unsigned/)).length === 2,
      'both refused',
    );
    expect(lab.hub.store.panels.view('pb').config.reportedVersion).toBeLessThan(Number.MAX_SAFE_INTEGER);
    const revoked = await adminApi(lab.hub)('POST', '/api/v1/cards/pb-card/revoke?wait=5000');
    expect(revoked.body.config).toMatchObject({ notApplied: [] });
    expect((await tap(panelB, UID_B)).body).toMatchObject({ granted: false, reason: 'card_revoked' });
    expect(lab.hub.store.panels.view('pb').config.alarm).toBeNull();
  });
});
