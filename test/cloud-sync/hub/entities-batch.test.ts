import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityChange } from '../../../cloud-sync/hub/store/entities.ts';
import { type HubStore, openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('entity writes and their listeners', () => {
  let store: HubStore;
  let told: string[][];
  let committed: number;

  beforeEach(() => {
    store = openHubStore(join(tempDir(), 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
    store.entities.create('buildings', { id: 'b1', name: 'S', timeZone: 'Europe/Stockholm' });
    told = [];
    committed = 0;
    store.entities.onChange((changes: readonly EntityChange[]) => {
      told.push(changes.map((c) => `${c.entity}:${c.id}`));
      return () => committed++;
    });
  });
  afterEach(() => store.close());

  const units = () => store.entities.ids('units');
  const unit = (id: string) => ({ id, buildingId: 'b1', name: id });

  it('tells each write once with all of its changes: a create, a bulk load', () => {
    store.entities.create('units', unit('u1'));
    store.entities.createMany('units', [unit('u2'), unit('u3')]);
    expect(told).toEqual([['units:u1'], ['units:u2', 'units:u3']]);
    expect(committed).toBe(2);
  });

  it('tells a batch once, after all its writes of several tables, and runs the after-commit work once', () => {
    store.entities.batch(() => {
      store.entities.create('units', unit('u1'));
      store.entities.create('residents', { id: 'r1', unitId: 'u1', name: 'Alice' });
      store.entities.update('units', 'u1', { name: '1101' });
    });
    expect(told).toEqual([['units:u1', 'residents:r1', 'units:u1']]);
    expect(committed).toBe(1);
  });

  it('a dry run does every write and check, then keeps nothing and tells nobody', () => {
    const seen = store.entities.batch(
      () => {
        store.entities.create('units', unit('u1'));
        return store.entities.ids('units');
      },
      { dryRun: true },
    );
    expect(seen).toEqual(['u1']);
    expect(units()).toEqual([]);
    expect(told).toEqual([]);
    expect(() =>
      store.entities.batch(() => store.entities.create('units', { ...unit('u2'), buildingId: 'nope' }), {
        dryRun: true,
      }),
    ).toThrow(ValidationError);
  });

  it('a write that fails inside a batch can be caught without losing the others; a throw out of it keeps nothing', () => {
    store.entities.batch(() => {
      store.entities.create('units', unit('u1'));
      expect(() => store.entities.create('units', unit('u1'))).toThrow(/already exists/);
      store.entities.create('units', unit('u2'));
    });
    expect(units()).toEqual(['u1', 'u2']);
    expect(() =>
      store.entities.batch(() => {
        store.entities.create('units', unit('u3'));
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(units()).toEqual(['u1', 'u2']);
    expect(told).toEqual([['units:u1', 'units:u2']]);
  });
});
