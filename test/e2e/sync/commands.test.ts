import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys } from '../../../cloud-sync/hub/signer/keys.ts';
import type { CommandBody } from '../../../cloud-sync/protocol/messages.ts';
import { generateSigningKeys, type SigningKey, signCommand } from '../../../cloud-sync/protocol/signing.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import {
  deviceRoot,
  type Lab,
  type PanelEvent,
  panelEvents,
  type Received,
  rawClient,
  relay,
  startLab,
  startSyncPanel,
  tap,
} from './harness.ts';

// Commands that open doors are verified on the panel, not trusted because the broker delivered them:
// someone with broker access to the commands topic (here a test identity the ACL lets publish there)
// still cannot open a door with a forged, expired or replayed command.
const TESTER = { name: 'cmd-tester', password: randomBytes(18).toString('base64url') };
const COMMANDS = `${deviceRoot('p1')}/commands`;
const RESULTS = `${deviceRoot('p1')}/commands/result`;

describe('door.open commands over a real broker', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let tester: { client: MqttClient; received: Received[] };
  let hubKey: SigningKey;
  let doorId: string;

  beforeAll(async () => {
    lab = await startLab({
      panelIds: ['p1'],
      extraUsers: { [TESTER.name]: TESTER.password },
      extraAcl: `\nuser ${TESTER.name}\ntopic readwrite ${deviceRoot('p1')}/commands/#\n`,
    });
    doorId = lab.panels['p1']!.doorId;
    hubKey = (await loadOrCreateKeys(lab.hubDir, silentLogger)).privateKey;
    panel = await startSyncPanel(lab.panels['p1']!);
    await until(() => lab.hub.store.panels.view('p1').online, 'p1 online at the hub', 10_000);
    tester = await rawClient(lab.broker.port, TESTER.name, TESTER.password);
    await tester.client.subscribeAsync([COMMANDS, RESULTS], { qos: 1 });
  });
  afterAll(async () => {
    await tester?.client.endAsync();
    await panel?.stop();
    await lab?.stop();
  });

  const body = (issuedAt: number, expiresAt: number): CommandBody => ({
    nonce: randomBytes(16).toString('hex'),
    deviceId: 'p1',
    issuedAt,
    expiresAt,
    command: { type: 'door.open', doorId, onBehalfOf: { kind: 'admin', id: 'mallory' }, reason: 'test' },
  });

  const resultFor = (nonce: string) =>
    until(() => results().find((r) => r['nonce'] === nonce), `commands/result for ${nonce}`, 10_000);
  const results = () =>
    tester.received
      .filter((m) => m.topic === RESULTS)
      .map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>);
  const refusalsFor = (events: PanelEvent[], nonce: string) =>
    events.filter((e) => e.type === 'command.refused' && e.data['nonce'] === nonce);
  const unlocks = async () => (await panelEvents(panel)).filter((e) => e.type === 'door.unlocked');

  async function expectRefused(nonce: string, reason: string): Promise<void> {
    const result = await resultFor(nonce);
    expect(result).toMatchObject({ status: 'refused', nonce });
    expect(String(result['reason'])).toMatch(new RegExp(`^${reason}:`));
    const refusals = await until(
      async () => {
        const found = refusalsFor(await panelEvents(panel), nonce);
        return found.length > 0 && found;
      },
      `command.refused for ${nonce}`,
      5000,
    );
    expect(refusals.map((e) => e.data['reason'])).toEqual([reason]);
  }

  it('refuses a command signed with another key and one already expired; the relay never moves', async () => {
    const now = Date.now();
    const forged = body(now, now + 30_000);
    await tester.client.publishAsync(
      COMMANDS,
      JSON.stringify(await signCommand((await generateSigningKeys()).privateKey, forged)),
      { qos: 1 },
    );
    await expectRefused(forged.nonce, 'bad_signature');

    // Signed with the hub's real key, so only the validity window can refuse it.
    const expired = body(now - 60_000, now - 30_000);
    await tester.client.publishAsync(COMMANDS, JSON.stringify(await signCommand(hubKey, expired)), {
      qos: 1,
    });
    await expectRefused(expired.nonce, 'expired');

    expect(await relay(panel, doorId)).toMatchObject({ energized: false, energizeCount: 0 });
    expect(await unlocks()).toEqual([]);
  });

  it('opens the door for a command the hub signs, then refuses that same command replayed', async () => {
    const opened = await adminApi(lab.hub)('POST', `/api/v1/doors/${doorId}/open`, {
      onBehalfOf: { kind: 'admin', id: 'alice' },
      reason: 'delivery',
    });
    expect(opened.status).toBe(202);
    const nonce: string = opened.body.nonce;
    expect(await resultFor(nonce)).toMatchObject({ status: 'done', nonce });
    await until(() => lab.hub.store.commands.get(nonce, Date.now())?.status === 'done', 'hub: done', 5000);
    expect((await relay(panel, doorId)).energizeCount).toBe(1);
    const executed = (await panelEvents(panel)).filter((e) => e.type === 'command.executed');
    expect(executed).toHaveLength(1);
    expect(await unlocks()).toHaveLength(1);

    // What an eavesdropper on the commands topic recorded: the hub's own bytes, valid signature and all.
    const recorded = tester.received.find((m) => m.topic === COMMANDS && decodeNonce(m.payload) === nonce);
    expect(recorded).toBeDefined();
    const resultsBefore = results().filter((r) => r['nonce'] === nonce).length;
    await tester.client.publishAsync(COMMANDS, recorded!.payload, { qos: 1 });
    await until(
      () => results().filter((r) => r['nonce'] === nonce).length > resultsBefore,
      'replay result',
      10_000,
    );
    expect(
      results()
        .filter((r) => r['nonce'] === nonce)
        .at(-1),
    ).toMatchObject({ status: 'refused' });
    expect(
      String(
        results()
          .filter((r) => r['nonce'] === nonce)
          .at(-1)?.['reason'],
      ),
    ).toMatch(/^replayed:/);
    await until(
      async () => refusalsFor(await panelEvents(panel), nonce).length === 1,
      'replay audited',
      5000,
    );

    expect((await relay(panel, doorId)).energizeCount).toBe(1);
    expect(await unlocks()).toHaveLength(1);
    // The hub keeps the first answer: a later refusal does not rewrite a command that was carried out.
    expect(lab.hub.store.commands.get(nonce, Date.now())?.status).toBe('done');
  });

  it('enrols a card at the door: the next tap opens nothing and its UID reaches the hub', async () => {
    const call = adminApi(lab.hub);
    const before = (await relay(panel, doorId)).energizeCount;
    const sent = await call('POST', `/api/v1/doors/${doorId}/enrol`, { durationS: 30 });
    expect(sent.status).toBe(202);
    const { nonce } = sent.body as { nonce: string };
    // Armed once the panel has the command: until then a tap is decided as usual.
    await until(
      async () => {
        const reply = await tap(panel, '04C0FFEE112233');
        return reply.status === 409 && reply.body.error.code === 'tap_undecided';
      },
      'the tap taken for enrolment',
      10_000,
    );
    const command = await until(
      async () => {
        const c = await call('GET', `/api/v1/commands/${nonce}`);
        return c.body.status === 'done' && c.body;
      },
      'the enrol result at the hub',
      10_000,
    );
    expect(command).toMatchObject({ type: 'card.enrol', cardUid: '04C0FFEE112233' });
    expect((await relay(panel, doorId)).energizeCount).toBe(before);
    const enrolled = await until(
      async () => (await panelEvents(panel)).find((e) => e.type === 'card.enrolled'),
      'the enrolment in the panel audit log',
    );
    expect(enrolled.data).toEqual({ uidHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // Enrolment is over: the same card is decided again (unknown here, so denied).
    expect((await tap(panel, '04C0FFEE112233')).body).toMatchObject({ granted: false });
  }, 30_000);
});

function decodeNonce(payload: Buffer): string | undefined {
  const { body } = JSON.parse(payload.toString()) as { body: string };
  return (JSON.parse(Buffer.from(body, 'base64url').toString()) as { nonce?: string }).nonce;
}
