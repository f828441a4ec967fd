import type { Panel } from '../../device/main.ts';

/** One resident with one card allowed at `doorId`, through the store's own validated API. */
export function seedBenchCard(panel: Panel, doorId: string, uid: string): void {
  panel.store!.buildingData.replaceBuildingData({
    buildings: [{ id: 'b', name: 'Bench', timeZone: 'UTC' }],
    doors: [{ id: doorId, buildingId: 'b', name: doorId }],
    units: [{ id: 'u', buildingId: 'b', name: 'U' }],
    residents: [{ id: 'r', unitId: 'u', name: 'R' }],
    cards: [{ id: 'c', uid, residentId: 'r' }],
    accessRules: [{ id: 'a', residentId: 'r', doorId }],
  });
}
