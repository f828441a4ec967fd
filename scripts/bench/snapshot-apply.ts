/**
 * snapshot_apply_ms_10k and snapshot_bytes_10k: a full building snapshot (10,000 residents, 20,000 cards,
 * 20,000 access rules) compiled by the hub's compiler from a hub database, serialized as the hub publishes
 * it, then validated and applied by the panel's config replica (StoreConfigReplica) on the store of a
 * running sim Panel, in one SQLite transaction with the version bump.
 *
 * Each measured run replaces a snapshot of the same size (two generations with different names and card
 * UIDs, alternating), since a panel's full resync always replaces what it has. The figure is the replica
 * call alone; the agent's own parse of the received bytes (JSON + message schema) comes before it on a
 * real panel and is reported beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseMessage } from '../../cloud-sync/agent/parse.ts';
import { compilePanelSnapshot } from '../../cloud-sync/hub/config/compile.ts';
import { openHubStore } from '../../cloud-sync/hub/store/hub-store.ts';
import { configSnapshotMessage } from '../../cloud-sync/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../cloud-sync/protocol/topics.ts';
import { validateConfig } from '../../device/config/load.ts';
import { Panel } from '../../device/main.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { StoreConfigReplica } from '../../device/sync/config-replica.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { BENCH_PANEL_ID, BUILDING_10K, type HubBuildingSize, seedHubBuilding } from './hub-building.ts';
import { type BenchLine, round, summarize } from './stats.ts';

/** The signed body of the hub's `config/desired` (ConfigPublisher signs JSON.stringify of this message). */
function compileSnapshotPayload(size: HubBuildingSize, generation: number): Buffer {
  const hub = openHubStore(':memory:', { clock: new SystemClock(), logger: silentLogger });
  try {
    seedHubBuilding(hub, size, generation);
    const data = compilePanelSnapshot(hub, BENCH_PANEL_ID);
    // The signed body (the signature is checked before this parse and not measured here).
    const message = {
      protocol: PROTOCOL_VERSION,
      version: 1,
      deviceId: BENCH_PANEL_ID,
      epoch: 1,
      hubKeys: ['A'.repeat(43)],
      issuedAt: Date.now(),
      data,
    };
    return Buffer.from(JSON.stringify(message));
  } finally {
    hub.close();
  }
}

/** The same payload under another version: only the number differs, so the bytes stay comparable. */
const withVersion = (payload: Buffer, version: number): Buffer =>
  Buffer.from(
    payload.toString().replace(/^\{"protocol":1,"version":1,/, `{"protocol":1,"version":${version},`),
  );

export async function benchSnapshotApply(options: { runs?: number } = {}): Promise<BenchLine[]> {
  const runs = options.runs ?? 5;
  const generations = [compileSnapshotPayload(BUILDING_10K, 0), compileSnapshotPayload(BUILDING_10K, 1)];
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-snap-'));
  const config = validateConfig(
    demoConfig({ storePath: join(dir, 'panel.db'), port: 0, installerToken: 'bench-installer-token-00000' }),
  );
  const panel = new Panel({ config, logger: silentLogger });
  await panel.start();
  try {
    const store = panel.store!;
    const replica = new StoreConfigReplica(store, panel.audit!, silentLogger);
    const apply: number[] = [];
    const parse: number[] = [];
    let rows = 0;
    // Version 1 fills the empty store (not measured); every measured run then replaces a full building.
    for (let v = 1; v <= runs + 1; v++) {
      const payload = withVersion(generations[(v - 1) % 2]!, v);
      const t0 = performance.now();
      const msg = parseMessage(configSnapshotMessage, payload);
      if (!msg.ok) throw new Error(`snapshot rejected by the agent's parser: ${msg.reason}`);
      const t1 = performance.now();
      replica.applySnapshot({ epoch: 1, version: msg.value.version }, msg.value.data);
      const t2 = performance.now();
      if (replica.version() !== v) throw new Error(`replica at version ${replica.version()}, expected ${v}`);
      if (v > 1) {
        parse.push(t1 - t0);
        apply.push(t2 - t1);
      }
      const d = msg.value.data;
      rows = d.residents.length + d.cards.length + d.accessRules.length + d.units.length;
      // The panel checkpoints its WAL when idle (IdleCheckpointer); without it each run would start
      // behind a longer WAL than the last.
      store.checkpoint();
    }
    const s = summarize(apply);
    const p = summarize(parse);
    const snapshot = generations[0]!;
    const d = JSON.parse(snapshot.toString()).data as Record<string, unknown[]>;
    const counts = `${d['residents']!.length} residents, ${d['cards']!.length} cards, ${d['accessRules']!.length} rules, ${d['doors']!.length} doors, ${d['timeProfiles']!.length} time profiles`;
    return [
      {
        metric: 'snapshot_apply_ms_10k',
        value: round(s.p50, 1),
        unit: 'ms',
        max: round(s.max, 1),
        n: s.n,
        message_parse_p50_ms: round(p.p50, 1),
        rows,
        target: 2000,
        note: `StoreConfigReplica.applySnapshot (validate + replace, one transaction) on a sim panel's store holding the previous version; ${counts} (median)`,
      },
      {
        metric: 'snapshot_bytes_10k',
        value: snapshot.length,
        unit: 'bytes',
        gzip_bytes: gzipSync(snapshot).length,
        note: `config/desired JSON payload compiled by the hub for ${counts}`,
      },
    ];
  } finally {
    await panel.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const line of await benchSnapshotApply()) console.log(JSON.stringify(line));
}
