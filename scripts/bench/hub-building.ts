/**
 * A building at cloud scale in the hub's own database. Bulk rows go in with plain INSERTs in one
 * transaction: the admin repository (`Entities`) takes ~20 s for 60,000 rows, longer than the figures it
 * feeds. Nothing unvalidated reaches a panel that way: the hub's compiler parses every row it emits with
 * the protocol's building schema.
 *
 * The panel's doors use the demo panel's ids, so a `Panel` on demoConfig() decides on what this compiles.
 */
import type { HubStore } from '../../cloud-sync/hub/store/hub-store.ts';

export const BENCH_PANEL_ID = 'demo-panel';
export const BENCH_DOORS = ['main-entrance', 'bike-room', 'garage'] as const;

export interface HubBuildingSize {
  residents: number;
  cardsPerResident: number;
  units: number;
  timeProfiles: number;
}

export const BUILDING_10K: HubBuildingSize = {
  residents: 10_000,
  cardsPerResident: 2,
  units: 2_500,
  timeProfiles: 5,
};

/** Card UIDs are 7 bytes, as on MIFARE DESFire / Ultralight; `generation` keeps two versions disjoint. */
export const benchCardUid = (n: number, generation = 0): string =>
  `04${generation.toString(16).toUpperCase().padStart(2, '0')}${n.toString(16).toUpperCase().padStart(10, '0')}`;

export const benchCardId = (n: number): string => `card-${n}`;

/**
 * Buildings, the panel with its doors, units, residents with their cards, a few time profiles and the
 * rules: every resident may use the main entrance at any time and one other door on a schedule.
 * `generation` changes names and UIDs, which makes a second call on another hub store a "next version of
 * similar size" for replacing.
 */
export function seedHubBuilding(store: HubStore, size: HubBuildingSize, generation = 0): void {
  const { db, entities } = store;
  entities.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  entities.create('panels', { id: BENCH_PANEL_ID, name: 'Entrance A', buildingId: 'b1' });
  for (const id of BENCH_DOORS) entities.create('doors', { id, panelId: BENCH_PANEL_ID, name: id });
  const unit = db.prepare('INSERT INTO units (id, building_id, name) VALUES (?, ?, ?)');
  const profile = db.prepare(
    'INSERT INTO time_profiles (id, building_id, name, intervals) VALUES (?, ?, ?, ?)',
  );
  const resident = db.prepare("INSERT INTO residents (id, unit_id, name, status) VALUES (?, ?, ?, 'active')");
  const card = db.prepare("INSERT INTO cards (id, uid, resident_id, status) VALUES (?, ?, ?, 'active')");
  const rule = db.prepare(
    'INSERT INTO access_rules (id, resident_id, door_id, time_profile_id) VALUES (?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let u = 0; u < size.units; u++) unit.run(`unit-${u}`, 'b1', `${1000 + u}`);
    for (let p = 0; p < size.timeProfiles; p++) {
      const intervals = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        weekday,
        startMinute: 360 + p * 15,
        endMinute: 1320 - p * 15,
      }));
      profile.run(`tp-${p}`, 'b1', `Profile ${p}`, JSON.stringify(intervals));
    }
    let n = 0;
    for (let r = 0; r < size.residents; r++) {
      const residentId = `res-${r}`;
      resident.run(residentId, `unit-${r % size.units}`, `Resident ${r} g${generation}`);
      for (let c = 0; c < size.cardsPerResident; c++, n++)
        card.run(benchCardId(n), benchCardUid(n, generation), residentId);
      rule.run(`${residentId}-main`, residentId, 'main-entrance', null);
      const side = r % 2 === 0 ? 'bike-room' : 'garage';
      rule.run(`${residentId}-side`, residentId, side, `tp-${r % size.timeProfiles}`);
    }
  })();
}
