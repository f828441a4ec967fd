/**
 * A building at cloud scale in the hub's own database. Bulk rows go in through the admin repository's
 * `createMany` (validated and checked like any admin row, one transaction per list): one commit per row
 * would take longer than the figures it feeds.
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
  const { entities } = store;
  entities.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  entities.create('panels', { id: BENCH_PANEL_ID, name: 'Entrance A', buildingId: 'b1' });
  for (const id of BENCH_DOORS) entities.create('doors', { id, panelId: BENCH_PANEL_ID, name: id });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  entities.createMany(
    'units',
    range(size.units).map((u) => ({ id: `unit-${u}`, buildingId: 'b1', name: `${1000 + u}` })),
  );
  entities.createMany(
    'timeProfiles',
    range(size.timeProfiles).map((p) => ({
      id: `tp-${p}`,
      buildingId: 'b1',
      name: `Profile ${p}`,
      intervals: range(7).map((weekday) => ({
        weekday,
        startMinute: 360 + p * 15,
        endMinute: 1320 - p * 15,
      })),
    })),
  );
  const residentIds = range(size.residents).map((r) => `res-${r}`);
  entities.createMany(
    'residents',
    residentIds.map((id, r) => ({
      id,
      unitId: `unit-${r % size.units}`,
      name: `Resident ${r} g${generation}`,
    })),
  );
  entities.createMany(
    'cards',
    range(size.residents * size.cardsPerResident).map((n) => ({
      id: benchCardId(n),
      uid: benchCardUid(n, generation),
      residentId: residentIds[Math.floor(n / size.cardsPerResident)],
    })),
  );
  entities.createMany(
    'accessRules',
    residentIds.flatMap((residentId, r) => [
      { id: `${residentId}-main`, residentId, doorId: 'main-entrance' },
      {
        id: `${residentId}-side`,
        residentId,
        doorId: r % 2 === 0 ? 'bike-room' : 'garage',
        timeProfileId: `tp-${r % size.timeProfiles}`,
      },
    ]),
  );
}
