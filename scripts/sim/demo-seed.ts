/**
 * Loads the demo building into the hub the way an administrator would: through the hub's admin HTTP API,
 * with the panel created by `portvakt-hub provision`. The hub compiles and publishes the panel's config
 * after each change, so the panel receives the building over MQTT like a real one.
 */
import { demoBuilding } from '../../device/sim/demo-building.ts';

export interface HubAdmin {
  post(path: string, body: unknown): Promise<unknown>;
  get(path: string): Promise<unknown>;
}

export function hubAdmin(base: string, token: string): HubAdmin {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`hub ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { post: (path, body) => call('POST', path, body), get: (path) => call('GET', path) };
}

/** `provision` runs between the building and the doors: doors belong to the panel it creates. */
export async function seedDemoBuilding(
  hub: HubAdmin,
  panelId: string,
  provision: (buildingId: string) => Promise<void>,
): Promise<{ buildingId: string }> {
  const demo = demoBuilding();
  const building = demo.buildings?.[0];
  if (!building) throw new Error('the demo building is empty');
  await hub.post('/api/v1/buildings', building);
  await provision(building.id);
  for (const door of demo.doors ?? []) {
    await hub.post('/api/v1/doors', { id: door.id, panelId, name: door.name });
  }
  const rows: [string, readonly object[]][] = [
    ['units', demo.units ?? []],
    // Before residents: a resident may be hidden by a time profile.
    ['timeProfiles', demo.timeProfiles ?? []],
    ['residents', demo.residents ?? []],
    ['cards', demo.cards ?? []],
    ['accessRules', demo.accessRules ?? []],
    ['appDevices', demo.appDevices ?? []],
    // The hub's doorbells belong to a panel; a separate one names only its resident (the unit is theirs).
    [
      'doorbells',
      (demo.bells ?? []).map(({ unitId, residentId, ...bell }) => ({
        ...bell,
        panelId,
        ...(residentId ? { residentId } : { unitId }),
      })),
    ],
    ['doorbellMembers', (demo.bellMembers ?? []).map(({ bellId, ...m }) => ({ ...m, doorbellId: bellId }))],
  ];
  for (const [entity, list] of rows) {
    for (const row of list) await hub.post(`/api/v1/${entity}`, row);
  }
  return { buildingId: building.id };
}
