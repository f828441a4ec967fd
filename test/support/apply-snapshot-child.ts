/**
 * Child process for the crash test: applies ever newer config snapshots to a panel store, announcing
 * each one on stdout just before it starts, so the parent can SIGKILL it in the middle of an apply.
 * Every row of snapshot N carries "vN" so the parent can tell a mix of versions apart.
 */

import { openStore } from '../../device/store/store.ts';
import { StoreConfigReplica } from '../../device/sync/config-replica.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';

const [path, residentsArg] = process.argv.slice(2);
const residents = Number(residentsArg ?? 2000);
const store = openStore(path!, { clock: new SystemClock(), logger: silentLogger });
const replica = new StoreConfigReplica(store, store.audit, silentLogger);

export function snapshotFor(version: number, count: number) {
  const tag = `v${version}`;
  const ids = Array.from({ length: count }, (_, i) => i);
  return {
    buildings: [{ id: 'b', name: `${tag} building`, timeZone: 'Europe/Stockholm' }],
    doors: [{ id: 'entrance', buildingId: 'b', name: `${tag} entrance` }],
    units: [{ id: 'u', buildingId: 'b', name: `${tag} unit` }],
    residents: ids.map((i) => ({ id: `r${i}`, unitId: 'u', name: `${tag} resident ${i}` })),
    cards: ids.map((i) => ({
      id: `c${i}`,
      uid: ((version * 100_000 + i) % 0xffffffff).toString(16).toUpperCase().padStart(8, '1'),
      residentId: `r${i}`,
    })),
    accessRules: ids.map((i) => ({ id: `a${i}`, residentId: `r${i}`, doorId: 'entrance' })),
  };
}

for (;;) {
  const next = replica.version() + 1;
  const snapshot = snapshotFor(next, residents);
  process.stdout.write(`apply ${next}\n`);
  const t0 = performance.now();
  replica.applySnapshot({ epoch: 1, version: next }, snapshot);
  process.stdout.write(`done ${next} ${(performance.now() - t0).toFixed(1)}\n`);
}
