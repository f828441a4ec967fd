/**
 * `npm run bench`: builds the panel, runs every benchmark and prints one JSON line per figure.
 * `--readme` also writes the figures into README.md between the bench markers.
 * Runs inside the lab namespace (npm script) so the PC/SC figures can start their own pcscd, and so
 * Chromium's ICE sees only loopback for the door-phone figures.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { benchDecision } from './decision.ts';
import { benchDoorPhone } from './door-phone.ts';
import { benchMediaFanout } from './media-fanout.ts';
import { benchOutboxDrain } from './outbox-drain.ts';
import { benchPatchLatency } from './patch-latency.ts';
import { benchPcscInsertRatio } from './pcsc-insert.ts';
import { benchProcess } from './process.ts';
import { writeReadmeTable } from './readme.ts';
import { benchSnapshotApply } from './snapshot-apply.ts';
import type { BenchLine } from './stats.ts';
import { benchTapEightPeers } from './tap-8-peers.ts';
import { benchTapToRelay } from './tap-to-relay.ts';

const root = new URL('../..', import.meta.url).pathname;
execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const machine = `${cpus().length}x ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`;
const lines: BenchLine[] = [];
const emit = (batch: BenchLine[]) => {
  for (const line of batch) {
    lines.push(line);
    console.log(JSON.stringify({ ...line, machine }));
  }
};

emit(await benchDecision());
emit(await benchTapToRelay());
emit(await benchTapEightPeers());
emit(await benchProcess());
emit(await benchSnapshotApply());
// ~2.7 min: 5 runs of 1 vs 8 viewers, 10 s of CPU each.
emit(await benchMediaFanout());
if (process.env['PORTVAKT_LAB_NS'] === '1') {
  emit(await benchDoorPhone());
  emit(await benchPcscInsertRatio());
  // Each cycle waits for the hub's recompile of the 10k building that follows a change (~1 s a cycle).
  emit(await benchPatchLatency({ revocations: 100, warmup: 3 }));
  emit(await benchOutboxDrain());
} else
  console.error(
    'the door-phone, pcsc_insert_to_relay_ratio and cloud-sync figures skipped: run through `npm run bench` (needs the lab namespace)',
  );

if (process.argv.includes('--readme')) writeReadmeTable(lines, machine);

// Every bench closes what it opened; a handle left open would keep this process (and the lab) alive
// until the lab's watchdog. Name what is left and leave with a failure, so it gets fixed.
setTimeout(() => {
  console.error(
    `npm run bench: still open after the last figure: ${process.getActiveResourcesInfo().join(', ')}`,
  );
  process.exit(1);
}, 10_000).unref();
