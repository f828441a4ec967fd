import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type PanelConfigInput } from '../../../device/config/schema.ts';
import type { Store } from '../../../device/store/store.ts';
import { openTempStore, readStoreFile, smallSnapshot } from './temp-store.ts';

const config = (over: Partial<PanelConfigInput> = {}) =>
  configSchema.parse({
    panel: { id: 'p1', timeZone: 'Europe/Stockholm' },
    doors: [
      { id: 'front', name: 'Front', relay: { line: 17 } },
      { id: 'bikes', name: 'Bike room', relay: { line: 27, activeLow: true }, failMode: 'safe' },
    ],
    readers: [{ id: 'r1', name: 'ACS ACR122U', doors: ['front', 'bikes'] }],
    ...over,
  });

describe('syncHardware', () => {
  let store: Store;
  let path: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, path, cleanup } = openTempStore());
  });
  afterEach(() => cleanup());

  const query = (sql: string): unknown[] => readStoreFile(path, (db) => db.prepare(sql).all());

  it('mirrors relays and readers, creating unknown doors under the local building', () => {
    store.buildingData.replaceBuildingData(smallSnapshot());
    store.hardware.syncHardware(config());
    expect(query('SELECT id, building_id FROM doors ORDER BY id')).toEqual([
      { id: 'bikes', building_id: 'local' },
      { id: 'front', building_id: 'b1' },
      { id: 'garage', building_id: 'b1' },
    ]);
    expect(query(`SELECT time_zone FROM buildings WHERE id = 'local'`)).toEqual([
      { time_zone: 'Europe/Stockholm' },
    ]);
    expect(query('SELECT door_id, line, active_low, fail_mode FROM relays ORDER BY door_id')).toEqual([
      { door_id: 'bikes', line: 27, active_low: 1, fail_mode: 'safe' },
      { door_id: 'front', line: 17, active_low: 0, fail_mode: 'secure' },
    ]);
    expect(query('SELECT reader_id, door_id FROM reader_doors ORDER BY door_id')).toHaveLength(2);
  });

  it('drops relays and readers the config no longer has', () => {
    store.hardware.syncHardware(config());
    store.hardware.syncHardware(
      config({ doors: [{ id: 'front', name: 'Front', relay: { line: 17 } }], readers: [] }),
    );
    expect(query('SELECT door_id FROM relays')).toEqual([{ door_id: 'front' }]);
    expect(query('SELECT id FROM readers')).toEqual([]);
  });

  it('keeps wired doors when a snapshot no longer lists them', () => {
    store.buildingData.replaceBuildingData(smallSnapshot());
    store.hardware.syncHardware(config());
    store.buildingData.replaceBuildingData({ ...smallSnapshot(), doors: [], accessRules: [] });
    expect(query('SELECT id, building_id FROM doors ORDER BY id')).toEqual([
      { id: 'bikes', building_id: 'local' },
      { id: 'front', building_id: 'local' },
    ]);
    expect(query('SELECT door_id FROM relays ORDER BY door_id')).toHaveLength(2);
    // A later snapshot with the door moves it back into its building; the empty-of-doors
    // local building is not kept once no wired door needs it.
    store.buildingData.replaceBuildingData({
      ...smallSnapshot(),
      doors: [
        { id: 'front', buildingId: 'b1', name: 'F' },
        { id: 'bikes', buildingId: 'b1', name: 'B' },
      ],
    });
    expect(query('SELECT id FROM buildings ORDER BY id')).toEqual([{ id: 'b1' }]);
  });
});
