/**
 * Whatever arrives on a subscribed topic, the agent neither throws nor changes state, and reports each
 * bad message exactly once (protocol error, or for commands a recorded refusal).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUBSCRIBED_LEAVES } from '../../../cloud-sync/agent/mqtt-link.ts';
import { agentHarness } from './fakes.ts';

const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.string().map((s) => Buffer.from(s)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  // Near misses: right protocol field, arbitrary rest.
  fc
    .dictionary(
      fc.constantFrom('version', 'baseVersion', 'upToSeq', 'data', 'body', 'signature', 'upsert', 'issuedAt'),
      fc.jsonValue(),
    )
    .map((d) => Buffer.from(JSON.stringify({ protocol: 1, ...d }))),
);

describe('agent fuzz', () => {
  for (const leaf of SUBSCRIBED_LEAVES) {
    it(`arbitrary payloads on ${leaf}: no throw, no state change, one report each`, async () => {
      const h = await agentHarness();
      h.outbox.fill(5);
      h.link.up();
      await h.send('config/desired', await h.snapshot(7));
      const seenConfig = new Set<string>();
      const before = { version: h.replica.version(), acked: h.outbox.ackedSeq(), size: h.outbox.size() };
      await fc.assert(
        fc.asyncProperty(payloads, async (payload) => {
          const reports = h.errors.length + h.target.refusals.length;
          await expect(h.agent.handle(leaf, payload)).resolves.toBeUndefined();
          // Refused config is reported once per distinct payload (a retained forgery comes back on every
          // reconnect): the same bytes again are not reported, while the agent still remembers them.
          const key = `${leaf} ${payload.toString('hex')}`;
          const repeat = leaf.startsWith('config/') && seenConfig.has(key);
          seenConfig.add(key);
          const added = h.errors.length + h.target.refusals.length - reports;
          if (repeat) expect([0, 1]).toContain(added);
          else expect(added).toBe(1);
          expect(h.replica.version()).toBe(before.version);
          expect(h.outbox.ackedSeq()).toBe(before.acked);
          expect(h.outbox.size()).toBe(before.size);
          expect(h.target.opened).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });
  }
});
