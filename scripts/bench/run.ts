/**
 * `npm run bench`: builds the panel, runs every benchmark and prints one JSON line per figure.
 * `--readme` also writes the figures into README.md between the bench markers (with `--only`, just the
 * rows of those groups); `--only GROUP[,GROUP]` runs some groups (names in GROUPS below), e.g.
 * `npm run bench -- --only tap,snapshot`.
 * Runs inside the lab namespace (npm script) so the PC/SC figures can start their own pcscd, and so
 * Chromium's ICE sees only loopback for the door-phone figures.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { benchAdminChange } from './admin-change.ts';
import { benchCsvImport } from './csv-import.ts';
import { benchDecision } from './decision.ts';
import { benchDoorPhone } from './door-phone.ts';
import { benchFlood } from './flood.ts';
import { benchMediaFanout } from './media-fanout.ts';
import { benchOutboxDrain } from './outbox-drain.ts';
import { benchPanelUi } from './panel-ui.ts';
import { benchPatchLatency } from './patch-latency.ts';
import { benchPcscInsertRatio } from './pcsc-insert.ts';
import { benchProcess } from './process.ts';
import { writeReadmeRows, writeReadmeTable } from './readme.ts';
import { benchSip } from './sip.ts';
import { benchSipWan } from './sip-wan.ts';
import { benchSnapshotApply } from './snapshot-apply.ts';
import { benchSoak } from './soak.ts';
import type { BenchLine } from './stats.ts';
import { benchTapEightPeers } from './tap-8-peers.ts';
import { benchTapToRelay } from './tap-to-relay.ts';
import { benchWan } from './wan.ts';

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

/** Groups in run order; `--only a,b` runs a subset (the lab-only ones need `npm run bench`). */
const GROUPS: Record<string, { run: () => Promise<BenchLine[]>; lab?: true }> = {
  decision: { run: benchDecision },
  tap: { run: benchTapToRelay },
  'tap-8-peers': { run: benchTapEightPeers },
  process: { run: benchProcess },
  snapshot: { run: benchSnapshotApply },
  // ~2.7 min: 5 runs of 1 vs 8 viewers, 10 s of CPU each.
  media: { run: benchMediaFanout },
  'door-phone': { run: benchDoorPhone, lab: true },
  pcsc: { run: benchPcscInsertRatio, lab: true },
  // Each cycle waits for the hub's recompile of the 10k building that follows a change (~1 s a cycle).
  patch: { run: () => benchPatchLatency({ revocations: 100, warmup: 3 }), lab: true },
  outbox: { run: benchOutboxDrain, lab: true },
  // ~1.5 min: 50 admin changes (doorbell text, card revoke) on the 10k building, each until the panel shows it.
  'admin-change': { run: () => benchAdminChange(), lab: true },
  // ~40 s: a 10,000-resident CSV import through the hub API, dry run then apply, until the panel has it.
  import: { run: benchCsvImport, lab: true },
  // ~1.2 min: 25 s without, 40 s with one app login flooding the call topic through Mosquitto.
  flood: { run: benchFlood, lab: true },
  // ~2 min: 16 calls across two NATs and TURN at 40 ms RTT, 1 % loss, then one 60 s call at 2 % loss.
  wan: { run: benchWan, lab: true },
  // ~1.5 min: 62 phone calls through Kamailio on loopback (180 timed; one digit each, RFC 4733 or SIP INFO,
  // each waiting for the 1 s door pulse of the call before to end).
  sip: { run: benchSip, lab: true },
  // ~1 min: 42 phone calls across the WAN lab (panel behind NAT over WSS, 40 ms RTT, 1 % loss).
  'wan-sip': { run: benchSipWan, lab: true },
  // ~1.5 min: the panel page in Chromium (20 cold loads, 200 card taps, 20 touches on Ring with the
  // resident app) and the kiosk's memory (cage + Chromium on the page, idle).
  'panel-ui': { run: () => benchPanelUi(), lab: true },
  // 6 min: 1,000 taps/s on the panel process, one minute of warm-up and five measured.
  soak: { run: () => benchSoak() },
};
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : undefined;
const unknown = only?.filter((name) => !Object.hasOwn(GROUPS, name)) ?? [];
if (unknown.length || (only && only.length === 0)) {
  console.error(
    `npm run bench: unknown group(s) ${unknown.join(', ')}; choose from ${Object.keys(GROUPS).join(', ')}`,
  );
  process.exit(2);
}
const inLab = process.env['PORTVAKT_LAB_NS'] === '1';
for (const [name, group] of Object.entries(GROUPS)) {
  if (only && !only.includes(name)) continue;
  if (group.lab && !inLab) {
    console.error(`bench group ${name} skipped: run it through \`npm run bench\` (needs the lab namespace)`);
    continue;
  }
  emit(await group.run());
}

// A whole run rewrites the README's table; a partial run (--only) replaces or adds its own rows only,
// each saying which run it came from.
if (process.argv.includes('--readme')) {
  if (only) writeReadmeRows(lines, only);
  else writeReadmeTable(lines, machine);
}

// Every bench closes what it opened; a handle left open would keep this process (and the lab) alive
// until the lab's watchdog. Name what is left and leave with a failure, so it gets fixed.
setTimeout(() => {
  console.error(
    `npm run bench: still open after the last figure: ${process.getActiveResourcesInfo().join(', ')}`,
  );
  process.exit(1);
}, 10_000).unref();
