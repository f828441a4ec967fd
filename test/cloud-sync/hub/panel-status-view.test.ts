/** The admin API's panel status: what it says about the config version the panel enforces. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { PROTOCOL_VERSION } from '../../../cloud-sync/protocol/topics.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('panel status view', () => {
  it('state.configVersion follows config/reported after the connect-time state message', () => {
    const store = openHubStore(join(tempDir(), 'hub.db'), { clock: new FakeClock(0), logger: silentLogger });
    try {
      store.entities.create('buildings', { id: 'b1', name: 'B', timeZone: 'UTC' });
      store.entities.create('panels', { id: 'p1', name: 'P', buildingId: 'b1' });
      // A fresh panel connects with nothing applied, then applies version 55.
      store.panels.saveState(
        'p1',
        { protocol: PROTOCOL_VERSION, status: 'online', configVersion: 0, at: 1000 },
        1000,
      );
      expect(store.panels.view('p1').state?.configVersion).toBe(0);
      store.panels.saveReported('p1', {
        protocol: PROTOCOL_VERSION,
        version: 55,
        status: 'applied',
        at: 2000,
      });
      expect(store.panels.view('p1').state?.configVersion).toBe(55);
      // A reconnect later (state newer than the report) is what is in force then.
      store.panels.saveState(
        'p1',
        { protocol: PROTOCOL_VERSION, status: 'online', configVersion: 56, at: 3000 },
        3000,
      );
      expect(store.panels.view('p1').state?.configVersion).toBe(56);
    } finally {
      store.close();
    }
  });

  it('compares the doors the panel reports wired with its doors at the hub', () => {
    const store = openHubStore(join(tempDir(), 'hub.db'), { clock: new FakeClock(0), logger: silentLogger });
    try {
      store.entities.create('buildings', { id: 'b1', name: 'B', timeZone: 'UTC' });
      store.entities.create('panels', { id: 'p1', name: 'P', buildingId: 'b1' });
      store.entities.create('doors', { id: 'front', panelId: 'p1', name: 'Front' });
      store.entities.create('doors', { id: 'garage', panelId: 'p1', name: 'Garage' });
      store.panels.saveReported('p1', { protocol: PROTOCOL_VERSION, version: 1, status: 'applied', at: 1 });
      // Panels that do not report their doors: nothing to compare.
      expect(store.panels.view('p1').doors).toBeNull();
      store.panels.saveReported('p1', {
        protocol: PROTOCOL_VERSION,
        version: 1,
        status: 'unchanged',
        wiredDoors: ['front', 'bike'],
        at: 2,
      });
      expect(store.panels.view('p1').doors).toEqual({
        wired: ['front', 'bike'],
        missingOnPanel: ['garage'],
        unknownAtHub: ['bike'],
      });
    } finally {
      store.close();
    }
  });
});
