import { describe, expect, it } from 'vitest';
import { CONFIG_REQUEST_INTERVAL_MS } from '../../../cloud-sync/agent/config-sync.ts';
import { agentHarness } from './fakes.ts';

const snapshot = (version: number) => ({ protocol: 1, version, issuedAt: 1, data: {} });
const patch = (baseVersion: number, extra: object = {}) => ({
  protocol: 1,
  baseVersion,
  version: baseVersion + 1,
  issuedAt: 1,
  ...extra,
});

describe('config sync', () => {
  it('on connect reports the version in force and asks for a snapshot when it has none', async () => {
    const h = await agentHarness();
    h.link.up();
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'unchanged', version: 0 }),
    ]);
    expect(h.link.on('config/request')).toEqual([
      expect.objectContaining({ reason: 'startup', haveVersion: 0 }),
    ]);
    const state = h.link.on('state')[0];
    expect(state).toMatchObject({ status: 'online', configVersion: 0 });
    expect(h.link.published.find((p) => p.leaf === 'state')?.options).toEqual({ qos: 1, retain: true });
  });

  it('applies a newer snapshot and reports it, retained', async () => {
    const h = await agentHarness();
    h.link.up();
    h.link.clear();
    await h.send('config/desired', snapshot(3));
    expect(h.replica.version()).toBe(3);
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'applied', version: 3 }),
    ]);
    expect(h.link.published[0]?.options).toEqual({ qos: 1, retain: true });
  });

  it('ignores a snapshot that is not newer (retained redelivery) without reporting', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    h.link.clear();
    await h.send('config/desired', { protocol: 1, version: 3, issuedAt: 2, data: {} });
    await h.send('config/desired', { protocol: 1, version: 2, issuedAt: 2, data: {} });
    expect(h.replica.version()).toBe(3);
    expect(h.link.published).toEqual([]);
    expect(h.errors).toEqual([]);
    // A stale version is recognised from the message's first bytes: the rest is never parsed.
    await h.send('config/desired', '{"protocol":1,"version":3,"issuedAt":2,"data":{ not even json');
    expect(h.errors).toEqual([]);
    // Any other shape goes through the full parse, and a broken one is still reported.
    await h.send('config/desired', '{"version":9,"protocol":1,"data":{ not json');
    expect(h.errors).toHaveLength(1);
    expect(h.replica.version()).toBe(3);
  });

  it('applies a patch on the current version; ignores duplicates and stale ones', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    await h.send('config/patch', patch(3));
    expect(h.replica.version()).toBe(4);
    h.link.clear();
    await h.send('config/patch', patch(3));
    await h.send('config/patch', patch(1));
    expect(h.replica.patches).toHaveLength(1);
    expect(h.link.published).toEqual([]);
  });

  it('asks for a snapshot when a patch skips ahead, at most once per interval', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    h.link.clear();
    await h.send('config/patch', patch(5));
    await h.send('config/patch', patch(6));
    expect(h.replica.version()).toBe(3);
    expect(h.link.on('config/request')).toEqual([expect.objectContaining({ reason: 'gap', haveVersion: 3 })]);
    h.clock.advance(CONFIG_REQUEST_INTERVAL_MS);
    await h.send('config/patch', patch(7));
    expect(h.link.on('config/request')).toHaveLength(2);
  });

  it('rejects an invalid snapshot with the reason and keeps the old config', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    h.link.clear();
    await h.send('config/desired', { protocol: 1, version: 4, issuedAt: 1, data: { cards: [{ id: 'x' }] } });
    expect(h.replica.version()).toBe(3);
    const [reported] = h.link.on('config/reported');
    expect(reported).toMatchObject({ status: 'rejected', version: 3, rejectedVersion: 4 });
    expect(reported?.['reason']).toMatch(/cards/);
    expect(h.errors).toEqual([expect.objectContaining({ leaf: 'config/desired', rejectedVersion: 4 })]);
  });

  it('rejects a patch the replica refuses, keeping the old config', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    h.link.clear();
    await h.send('config/patch', patch(3, { upsert: { cards: [{ bad: true }] } }));
    expect(h.replica.version()).toBe(3);
    expect(h.link.on('config/reported')).toEqual([
      expect.objectContaining({ status: 'rejected', rejectedVersion: 4, reason: 'bad card' }),
    ]);
    expect(h.errors).toHaveLength(1);
  });

  it('a config.resync-style request is not rate-limited by gap requests', async () => {
    const h = await agentHarness();
    h.link.up();
    await h.send('config/desired', snapshot(3));
    h.link.clear();
    await h.send('config/patch', patch(9));
    h.agent.config.request('command');
    expect(h.link.on('config/request').map((r) => r['reason'])).toEqual(['gap', 'command']);
  });
});
