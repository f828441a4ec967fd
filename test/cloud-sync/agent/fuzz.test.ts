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
      await h.send('config/desired', { protocol: 1, version: 7, issuedAt: 1, data: {} });
      const before = { version: h.replica.version(), acked: h.outbox.ackedSeq(), size: h.outbox.size() };
      await fc.assert(
        fc.asyncProperty(payloads, async (payload) => {
          const reports = h.errors.length + h.target.refusals.length;
          await expect(h.agent.handle(leaf, payload)).resolves.toBeUndefined();
          // A snapshot no newer than the one in force is dropped before it is validated (the hub
          // republishes its retained snapshot after every change): ignored, so not reported.
          const ignored = leaf === 'config/desired' && isStaleSnapshot(payload, before.version);
          expect(h.errors.length + h.target.refusals.length).toBe(reports + (ignored ? 0 : 1));
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

/** Whether the agent may drop this config/desired payload unvalidated: its version is not newer. */
function isStaleSnapshot(payload: Buffer, current: number): boolean {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const version = (json as Record<string, unknown>)['version'];
  return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 && version <= current;
}
