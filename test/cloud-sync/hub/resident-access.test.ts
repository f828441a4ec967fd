import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertResidentMayOpen } from '../../../cloud-sync/hub/signer/resident-access.ts';
import { type HubStore, openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

// Monday 30 November 2026, 10:00 in Stockholm (UTC+1), and the Saturday before at the same hour.
const MONDAY_10 = Date.UTC(2026, 10, 30, 9, 0);
const SATURDAY_10 = Date.UTC(2026, 10, 28, 9, 0);

describe('remote opening on behalf of a resident', () => {
  let store: HubStore;
  beforeAll(() => {
    store = openHubStore(join(tempDir(), 'hub.db'), { clock: new FakeClock(0), logger: silentLogger });
    const e = store.entities;
    e.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
    e.create('panels', { id: 'p1', name: 'Entrance', buildingId: 'b1' });
    e.create('doors', { id: 'main', panelId: 'p1', name: 'Main' });
    e.create('doors', { id: 'garage', panelId: 'p1', name: 'Garage' });
    e.create('units', { id: 'u1', buildingId: 'b1', name: '1101' });
    e.create('residents', { id: 'cleaner', unitId: 'u1', name: 'Cleaner' });
    e.create('residents', { id: 'guest', unitId: 'u1', name: 'Guest' });
    e.create('timeProfiles', {
      id: 'weekdays',
      buildingId: 'b1',
      name: 'Weekdays 07-16',
      intervals: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, startMinute: 420, endMinute: 960 })),
    });
    e.create('accessRules', { id: 'r1', residentId: 'cleaner', doorId: 'main', timeProfileId: 'weekdays' });
    e.create('accessRules', {
      id: 'r2',
      residentId: 'guest',
      doorId: 'main',
      validFrom: MONDAY_10 - 3_600_000,
      validUntil: MONDAY_10 + 3_600_000,
    });
  });
  afterAll(() => store.close());

  it('follows the time profile in the building time zone', () => {
    expect(() => assertResidentMayOpen(store, 'cleaner', 'main', MONDAY_10)).not.toThrow();
    expect(() => assertResidentMayOpen(store, 'cleaner', 'main', SATURDAY_10)).toThrow(/now/);
  });

  it('follows the rule validity window', () => {
    expect(() => assertResidentMayOpen(store, 'guest', 'main', MONDAY_10)).not.toThrow();
    expect(() => assertResidentMayOpen(store, 'guest', 'main', MONDAY_10 + 3_600_000)).toThrow(/now/);
  });

  it('refuses a door the resident has no rule for', () => {
    expect(() => assertResidentMayOpen(store, 'cleaner', 'garage', MONDAY_10)).toThrow(/no access/);
  });
});
