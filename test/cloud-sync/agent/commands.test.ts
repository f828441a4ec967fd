import { describe, expect, it } from 'vitest';
import type { CommandBody } from '../../../cloud-sync/protocol/messages.ts';
import { generateSigningKeys, type SigningKey, signCommand } from '../../../cloud-sync/protocol/signing.ts';
import { agentHarness, DEVICE_ID } from './fakes.ts';

let counter = 0;
function body(now: number, overrides: Partial<CommandBody> = {}): CommandBody {
  counter++;
  return {
    nonce: `nonce-${String(counter).padStart(12, '0')}`,
    deviceId: DEVICE_ID,
    issuedAt: now,
    expiresAt: now + 30_000,
    command: {
      type: 'door.open',
      doorId: 'front',
      onBehalfOf: { kind: 'resident', id: 'alice' },
      reason: 'app',
    },
    ...overrides,
  };
}

async function harness() {
  const h = await agentHarness();
  h.link.up();
  h.link.clear();
  const sign = (b: CommandBody, key: SigningKey = h.keys.privateKey as SigningKey) => signCommand(key, b);
  const results = () => h.link.on('commands/result');
  return { ...h, sign, results };
}

describe('commands', () => {
  it('a valid door.open opens the door once and answers done', async () => {
    const h = await harness();
    const b = body(h.clock.now());
    await h.send('commands', await h.sign(b));
    expect(h.target.opened).toEqual([{ doorId: 'front', pulseMs: undefined }]);
    expect(h.results()).toEqual([expect.objectContaining({ nonce: b.nonce, status: 'done' })]);
    expect(h.target.refusals).toEqual([]);
  });

  it('refuses a replay of an accepted command', async () => {
    const h = await harness();
    const msg = await h.sign(body(h.clock.now()));
    await h.send('commands', msg);
    await h.send('commands', msg);
    expect(h.target.opened).toHaveLength(1);
    expect(h.results().map((r) => r['status'])).toEqual(['done', 'refused']);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'replayed' })]);
  });

  it('refuses a forged command (signed by another key)', async () => {
    const h = await harness();
    const other = await generateSigningKeys();
    const b = body(h.clock.now());
    await h.send('commands', await h.sign(b, other.privateKey as SigningKey));
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'bad_signature', nonce: b.nonce })]);
    expect(h.results()).toEqual([expect.objectContaining({ status: 'refused', nonce: b.nonce })]);
  });

  it('refuses a tampered body', async () => {
    const h = await harness();
    const msg = await h.sign(body(h.clock.now()));
    const forged = { ...msg, body: (await h.sign(body(h.clock.now(), { deviceId: DEVICE_ID }))).body };
    await h.send('commands', forged);
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals[0]?.reason).toBe('bad_signature');
  });

  it('refuses expired, not-yet-valid and wrong-device commands', async () => {
    const h = await harness();
    const now = h.clock.now();
    await h.send('commands', await h.sign(body(now - 60_000, { expiresAt: now - 1 })));
    await h.send('commands', await h.sign(body(now + 30_000, { expiresAt: now + 60_000 })));
    await h.send('commands', await h.sign(body(now, { deviceId: 'panel-2' })));
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals.map((r) => r.reason)).toEqual(['expired', 'not_yet_valid', 'wrong_device']);
    expect(h.results().map((r) => r['status'])).toEqual(['refused', 'refused', 'refused']);
  });

  it('refuses malformed messages: not JSON, wrong envelope', async () => {
    const h = await harness();
    await h.send('commands', '{not json');
    await h.send('commands', { protocol: 1, body: 'x', signature: 'short' });
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals.map((r) => r.reason)).toEqual(['malformed', 'malformed']);
    expect(h.results()).toEqual([
      expect.objectContaining({ status: 'refused' }),
      expect.objectContaining({ status: 'refused' }),
    ]);
    expect(h.results()[0]).not.toHaveProperty('nonce');
  });

  it('refuses an unknown door without touching any door', async () => {
    const h = await harness();
    const b = body(h.clock.now());
    await h.send(
      'commands',
      await h.sign({ ...b, command: { ...b.command, doorId: 'garage' } as CommandBody['command'] }),
    );
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'unknown_door', nonce: b.nonce })]);
    expect(h.results()).toEqual([expect.objectContaining({ status: 'refused' })]);
  });

  it('config.resync asks for a snapshot; identify reaches the target', async () => {
    const h = await harness();
    await h.send('commands', await h.sign(body(h.clock.now(), { command: { type: 'config.resync' } })));
    await h.send(
      'commands',
      await h.sign(body(h.clock.now(), { command: { type: 'identify', durationS: 5 } })),
    );
    expect(h.link.on('config/request')).toEqual([expect.objectContaining({ reason: 'command' })]);
    expect(h.target.identified).toEqual([5]);
    expect(h.results().map((r) => r['status'])).toEqual(['done', 'done']);
  });

  it('card.enrol answers with the tapped card, never waiting past the command', async () => {
    const h = await harness();
    const b = body(h.clock.now(), { command: { type: 'card.enrol', doorId: 'front', durationS: 45 } });
    await h.send('commands', await h.sign(b));
    expect(h.target.enrolments).toEqual([{ doorId: 'front', untilMs: b.expiresAt }]);
    expect(h.results()).toEqual([
      expect.objectContaining({ nonce: b.nonce, status: 'done', cardUid: '04A1B2C3D4E5F6' }),
    ]);
    h.target.enrolResult = { ok: false, reason: 'no card was tapped within 20 s' };
    const late = body(h.clock.now(), { command: { type: 'card.enrol', doorId: 'front', durationS: 20 } });
    await h.send('commands', await h.sign(late));
    expect(h.target.enrolments[1]!.untilMs).toBe(h.clock.now() + 20_000);
    expect(h.results()[1]).toMatchObject({ status: 'failed', reason: /no card/ });
    expect(h.results()[1]).not.toHaveProperty('cardUid');
  });

  it('a replay after the command expired is refused as expired', async () => {
    const h = await harness();
    const msg = await h.sign(body(h.clock.now()));
    await h.send('commands', msg);
    h.clock.advance(120_000);
    await h.send('commands', msg);
    expect(h.target.opened).toHaveLength(1);
    expect(h.target.refusals.map((r) => r.reason)).toEqual(['expired']);
  });
});

describe('commands across clock steps', () => {
  it('a command whose nonce was pruned stays refused after the clock is stepped back', async () => {
    const h = await harness();
    const t0 = h.clock.now();
    const first = body(t0);
    const firstMsg = await h.sign(first);
    await h.send('commands', firstMsg);
    // Forward past the first command's expiry (+ skew): the next command prunes its nonce.
    h.clock.setWallTime(t0 + 40_000);
    const second = body(t0 + 40_000);
    await h.send('commands', await h.sign(second));
    // Stepped back inside the first command's validity window: by the clock it would be valid again.
    h.clock.setWallTime(t0 + 1_000);
    await h.send('commands', firstMsg);
    expect(h.target.opened).toHaveLength(2);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'stale', nonce: first.nonce })]);
    // A new command expiring after everything pruned is accepted; a live nonce is still a replay.
    const freshMsg = await h.sign(body(t0 + 1_000, { expiresAt: t0 + 31_000 }));
    await h.send('commands', freshMsg);
    expect(h.target.opened).toHaveLength(3);
    await h.send('commands', freshMsg);
    expect(h.target.refusals.map((r) => r.reason)).toEqual(['stale', 'replayed']);
  });

  it('a clock stepped far forward and back refuses only commands older than the last one forgotten', async () => {
    const h = await harness();
    const t0 = h.clock.now();
    const early = body(t0);
    await h.send('commands', await h.sign(early));
    h.clock.setWallTime(t0 + 10 * 365 * 86_400_000);
    await h.send('commands', await h.sign(body(h.clock.now())));
    // Back to real time, after the forgotten command's expiry: commands are accepted again at once.
    h.clock.setWallTime(t0 + 31_000);
    await h.send('commands', await h.sign(body(h.clock.now())));
    expect(h.target.opened).toHaveLength(3);
    expect(h.target.refusals).toEqual([]);
  });

  it('refuses update.install on a panel without an updater, touching no door', async () => {
    const h = await harness();
    const b = body(h.clock.now(), {
      command: {
        type: 'update.install',
        releaseId: 'rel-1',
        version: '0.2.0',
        url: 'https://hub.example/b',
        sha256: 'a'.repeat(64),
        sizeBytes: 1000,
        allowDowngrade: false,
      },
    });
    await h.send('commands', await h.sign(b));
    expect(h.target.opened).toEqual([]);
    expect(h.target.refusals).toEqual([expect.objectContaining({ reason: 'unsupported', nonce: b.nonce })]);
    expect(h.results()).toEqual([expect.objectContaining({ status: 'refused', nonce: b.nonce })]);
  });
});
