import { describe, expect, it } from 'vitest';
import { CONFIG_REQUEST_INTERVAL_MS } from '../../../cloud-sync/agent/config-sync.ts';
import {
  exportPublicKey,
  generateSigningKeys,
  type SigningKey,
  signCommand,
} from '../../../cloud-sync/protocol/signing.ts';
import { signedSnapshot } from '../../support/signed-config.ts';
import { agentHarness, DEVICE_ID } from './fakes.ts';

describe('config sync', () => {
  it('on connect reports the version in force and asks for a snapshot when it has none', async () => {
    const h = await agentHarness();
    h.link.up();
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'unchanged', version: 0, epoch: 0 }),
    ]);
    expect(h.link.on('config/request')).toEqual([
      expect.objectContaining({ reason: 'startup', haveVersion: 0 }),
    ]);
    const state = h.link.on('state')[0];
    expect(state).toMatchObject({ status: 'online', configVersion: 0 });
    expect(h.link.published.find((p) => p.leaf === 'state')?.options).toEqual({ qos: 1, retain: true });
  });

  it('applies a newer signed snapshot and reports it, retained', async () => {
    const h = await agentHarness();
    h.link.up();
    h.link.clear();
    await h.send('config/desired', await h.snapshot(3));
    expect(h.replica.version()).toBe(3);
    expect(h.replica.epoch()).toBe(1);
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'applied', version: 3, epoch: 1 }),
    ]);
    expect(h.link.published[0]?.options).toEqual({ qos: 1, retain: true });
  });

  it('ignores a snapshot that is not newer (retained redelivery) without reporting, from its header', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    await h.send('config/desired', await h.snapshot(3, { other: 1 }));
    await h.send('config/desired', await h.snapshot(2));
    expect(h.replica.version()).toBe(3);
    expect(h.link.published).toEqual([]);
    expect(h.errors).toEqual([]);
    // A stale version is recognised from the header line: the rest is never parsed (nor verified).
    const header = (await h.snapshot(3)).toString().split('\n')[0];
    await h.send('config/desired', `${header}\n{ not even json`);
    expect(h.errors).toEqual([]);
    // A header naming a newer version leads to the signature check, which this fails.
    const newer = (await h.snapshot(4)).toString().split('\n')[0];
    await h.send('config/desired', `${newer}\n{ not json`);
    expect(h.errors).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^bad_signature/) })]);
    expect(h.replica.version()).toBe(3);
  });

  it('refuses unsigned config, config signed by another key, and config for another panel', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    // The pre-signing format, with any version.
    await h.send('config/desired', { protocol: 1, version: 9, issuedAt: 1, data: { cards: [] } });
    // Well-formed, signed with a key the panel does not trust (the hub's broker login is not enough).
    const forger = await generateSigningKeys();
    await h.send('config/desired', await signedSnapshot(forger, { deviceId: DEVICE_ID, version: 10 }));
    // Signed by the hub, for another panel (replayed onto this panel's stream).
    await h.send('config/desired', await h.snapshot(11, {}, { deviceId: 'panel-2' }));
    expect(h.replica.version()).toBe(3);
    expect(h.errors.map((e) => e.reason.split(':')[0])).toEqual([
      'unsigned',
      'bad_signature',
      'wrong_device',
    ]);
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'rejected', version: 3 }),
      expect.objectContaining({ status: 'rejected', version: 3, rejectedVersion: 10 }),
      expect.objectContaining({ status: 'rejected', version: 3, rejectedVersion: 11 }),
    ]);
  });

  it('a tampered header (version raised over a signed body) is refused', async () => {
    const h = await agentHarness();
    h.link.up();
    const signed = (await h.snapshot(3)).toString();
    const tampered = signed.replace('"version":3,"signature"', '"version":4,"signature"');
    expect(tampered).not.toBe(signed);
    await h.send('config/desired', tampered);
    expect(h.replica.version()).toBe(0);
    expect(h.errors).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/header does not match/) }),
    ]);
  });

  it('audits a refused message once however often it is redelivered (bounded memory)', async () => {
    const h = await agentHarness();
    h.link.up();
    const forger = await generateSigningKeys();
    const forged = await signedSnapshot(forger, { deviceId: DEVICE_ID, version: 5 });
    for (let i = 0; i < 5; i++) await h.send('config/desired', forged);
    expect(h.errors).toHaveLength(1);
    expect(h.link.on('config/reported').filter((r) => r['status'] === 'rejected')).toHaveLength(1);
    // Other bytes are another refusal.
    await h.send('config/desired', await signedSnapshot(forger, { deviceId: DEVICE_ID, version: 6 }));
    expect(h.errors).toHaveLength(2);
    // The forgery may have replaced the hub's retained snapshot: the hub is asked to send it again, at most
    // once per interval however many forgeries arrive.
    expect(h.link.on('config/request').filter((r) => r['reason'] === 'invalid')).toHaveLength(1);
  });

  it('a command signature is never accepted as config', async () => {
    const h = await agentHarness();
    h.link.up();
    const command = await signCommand(h.keys.privateKey as SigningKey, {
      nonce: 'n'.repeat(32),
      deviceId: DEVICE_ID,
      issuedAt: 0,
      expiresAt: 30_000,
      command: { type: 'config.resync' },
    });
    // The command's signed bytes as a snapshot body under its own signature.
    const body = Buffer.from(command.body, 'base64url');
    const header = {
      protocol: 1,
      kind: 'snapshot',
      deviceId: DEVICE_ID,
      epoch: 1,
      version: 5,
      signature: command.signature,
    };
    await h.send('config/desired', Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    expect(h.errors).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^bad_signature/) })]);
    expect(h.replica.version()).toBe(0);
  });

  it("versions are the hub's: a huge signed-by-nobody version changes nothing, and real changes keep applying", async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    const forger = await generateSigningKeys();
    await h.send(
      'config/desired',
      await signedSnapshot(forger, { deviceId: DEVICE_ID, version: Number.MAX_SAFE_INTEGER }),
    );
    await h.send('config/patch', await h.patch(3, { delete: { cards: ['c1'] } }));
    expect(h.replica.version()).toBe(4);
    expect(h.replica.patches).toHaveLength(1);
  });

  it('a snapshot of a newer epoch replaces the config whatever its version; patches stay in their epoch', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(50));
    await h.send('config/desired', await h.snapshot(7, {}, { epoch: 2 }));
    expect(h.replica.version()).toBe(7);
    expect(h.replica.epoch()).toBe(2);
    // An old-epoch snapshot, even with a higher version, is stale now.
    await h.send('config/desired', await h.snapshot(60, {}, { epoch: 1 }));
    expect(h.replica.version()).toBe(7);
    // A patch from the old epoch is ignored; one of the current epoch applies.
    await h.send('config/patch', await h.patch(50, {}, { epoch: 1 }));
    await h.send('config/patch', await h.patch(7, {}, { epoch: 2 }));
    expect(h.replica.version()).toBe(8);
    expect(h.errors).toEqual([]);
  });

  it('applies a patch on the current version; ignores duplicates and stale ones', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    await h.send('config/patch', await h.patch(3));
    expect(h.replica.version()).toBe(4);
    h.link.clear();
    await h.send('config/patch', await h.patch(3));
    await h.send('config/patch', await h.patch(1));
    expect(h.replica.patches).toHaveLength(1);
    expect(h.link.published).toEqual([]);
  });

  it('asks for a snapshot when a patch skips ahead, at most once per interval', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    await h.send('config/patch', await h.patch(5));
    await h.send('config/patch', await h.patch(6));
    expect(h.replica.version()).toBe(3);
    expect(h.link.on('config/request')).toEqual([expect.objectContaining({ reason: 'gap', haveVersion: 3 })]);
    h.clock.advance(CONFIG_REQUEST_INTERVAL_MS);
    await h.send('config/patch', await h.patch(7));
    expect(h.link.on('config/request')).toHaveLength(2);
  });

  it('rejects an invalid signed snapshot with the reason and keeps the old config', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    await h.send('config/desired', await h.snapshot(4, { cards: [{ id: 'x' }] }));
    expect(h.replica.version()).toBe(3);
    const [reported] = h.link.on('config/reported');
    expect(reported).toMatchObject({ status: 'rejected', version: 3, rejectedVersion: 4 });
    expect(reported?.['reason']).toMatch(/cards/);
    expect(h.errors).toEqual([expect.objectContaining({ leaf: 'config/desired', rejectedVersion: 4 })]);
  });

  it('rejects a patch the replica refuses, keeping the old config', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    await h.send('config/patch', await h.patch(3, { upsert: { cards: [{ bad: true }] } }));
    expect(h.replica.version()).toBe(3);
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'rejected', rejectedVersion: 4, reason: 'bad card' }),
    ]);
    expect(h.errors).toHaveLength(1);
  });

  it('a config.resync-style request is not rate-limited by gap requests', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', await h.snapshot(3));
    h.link.clear();
    await h.send('config/patch', await h.patch(9));
    h.agent.config.request('command');
    expect(h.link.on('config/request').map((r) => r['reason'])).toEqual(['gap', 'command']);
  });

  it('key rotation: learns the next key from signed config, then drops the old one; persisted', async () => {
    const h = await agentHarness();
    h.link.up();
    const oldKey = await exportPublicKey(h.keys.publicKey as SigningKey);
    const next = await generateSigningKeys();
    const nextKey = await exportPublicKey(next.publicKey as SigningKey);
    // Step 1, signed by the current key: trust both.
    await h.send('config/desired', await h.snapshot(3, {}, { hubKeys: [oldKey, nextKey] }));
    expect(h.keyStore.keys).toEqual([oldKey, nextKey]);
    // Step 2, signed by the next key: trust only it.
    await h.send(
      'config/desired',
      await signedSnapshot(next, { deviceId: DEVICE_ID, version: 4, hubKeys: [nextKey] }),
    );
    expect(h.replica.version()).toBe(4);
    expect(h.keyStore.keys).toEqual([nextKey]);
    // The old key is refused for config and for commands.
    await h.send('config/desired', await h.snapshot(5, {}, { hubKeys: [oldKey] }));
    expect(h.replica.version()).toBe(4);
    expect(h.errors).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^bad_signature/) })]);
    const command = await signCommand(h.keys.privateKey as SigningKey, {
      nonce: 'm'.repeat(32),
      deviceId: DEVICE_ID,
      issuedAt: h.clock.now(),
      expiresAt: h.clock.now() + 30_000,
      command: { type: 'identify', durationS: 5 },
    });
    await h.send('commands', command);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'bad_signature' })]);
    // A restarted panel (same store) trusts the new key only.
    const restarted = await agentHarness({ keyStore: h.keyStore });
    expect(restarted.trustedKeys.texts()).toEqual([nextKey]);
  });
});
