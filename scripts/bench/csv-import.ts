/**
 * csv_import_10k_residents_s: a building's CSV import of 10,000 residents (2,500 units, a card each, all
 * with the main entrance) through the real hub's admin API, `POST /api/v1/buildings/{id}/import`, as
 * text/csv: the dry run and the apply, each from the request's start to its answer (the apply's answer
 * comes after its one transaction and the recompile of the panel it changes). Also reported: until the
 * panel (sync agent + replica, over Mosquitto) has applied the resulting snapshot, and the same file
 * imported again (nothing to change).
 * Needs the lab namespace (Mosquitto on the namespace's loopback).
 */
import { until } from '../lab/until.ts';
import { BENCH_DOORS } from './hub-building.ts';
import { type BenchLine, round } from './stats.ts';
import { startSyncLab } from './sync-lab.ts';

const RESIDENTS = 10_000;
const UNITS = 2_500;

export function importFile(residents = RESIDENTS): string {
  const rows = ['unit_id,unit_name,name,phone,card_uid,doors'];
  for (let r = 0; r < residents; r++) {
    const unit = r % UNITS;
    // 7-byte UIDs, disjoint from the sync benches' (hub-building.ts starts them with 04).
    const uid = `08${r.toString(16).toUpperCase().padStart(12, '0')}`;
    rows.push(
      `imp-${unit},${2000 + unit},Imported Resident ${r},+4670${String(r).padStart(7, '0')},${uid},${BENCH_DOORS[0]}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

export async function benchCsvImport(): Promise<BenchLine[]> {
  // The building, its panel and doors, without residents: the import brings them.
  const lab = await startSyncLab({
    building: { residents: 0, cardsPerResident: 0, units: 0, timeProfiles: 0 },
  });
  try {
    lab.connect();
    await until(() => lab.replica.version() > 0, 'the first snapshot', 60_000);
    const csv = importFile();
    const post = async (dryRun: boolean) => {
      const t0 = performance.now();
      const res = await lab.hubApi('POST', `/api/v1/buildings/b1/import?dryRun=${dryRun}`, csv, 'text/csv');
      const body = (await res.json()) as {
        errors: unknown[];
        summary: { residents: { created: number; unchanged: number } };
        config?: { versions: { version: number }[] };
      };
      const s = (performance.now() - t0) / 1000;
      if (res.status !== 200)
        throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
      return { s, body, t0 };
    };
    const dry = await post(true);
    if (dry.body.summary.residents.created !== RESIDENTS)
      throw new Error('the dry run would not create them all');
    const apply = await post(false);
    const version = apply.body.config?.versions[0]?.version ?? 0;
    await until(() => lab.replica.version() >= version, `the panel to apply version ${version}`, 120_000);
    const panelS = (performance.now() - apply.t0) / 1000;
    const again = await post(false);
    if (again.body.summary.residents.unchanged !== RESIDENTS)
      throw new Error('the re-import changed residents');
    return [
      {
        metric: 'csv_import_10k_residents_s',
        value: round(Math.max(dry.s, apply.s), 2),
        unit: 's',
        dry_run_s: round(dry.s, 2),
        apply_s: round(apply.s, 2),
        apply_to_panel_applied_s: round(panelS, 2),
        reimport_s: round(again.s, 2),
        residents: RESIDENTS,
        units: UNITS,
        bytes: Buffer.byteLength(csv),
        target: 10,
        note: 'hub admin API, text/csv; value = the slower of dry run and apply (request to answer)',
      },
    ];
  } finally {
    await lab.stop();
  }
}

if (import.meta.main) for (const line of await benchCsvImport()) console.log(JSON.stringify(line));
