/**
 * Every simulated tap request gets exactly its own answer. A tap whose card path fails (here: its audit
 * commit fails for a reason that is not a storage fault, so the door stays locked) is answered at once
 * with a clear error, and leaves nothing behind that could answer a later tap with this one's decision.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { api } from '../../support/http.ts';
import { tempDir } from '../../support/temp-dir.ts';

let panel: Panel;
let dir: string;
let other: Database.Database;

beforeEach(async () => {
  dir = tempDir();
  const dbPath = join(dir, 'panel.db');
  const config = validateConfig({
    ...demoConfig({ storePath: dbPath, port: 0, installerToken: 'test-installer-token-0123' }),
    intercom: { enabled: false },
  });
  config.access.repeatTapWindowMs = 0;
  panel = new Panel({ config, logger: silentLogger, clock: new FakeClock(Date.UTC(2026, 5, 1, 10)) });
  await panel.start();
  panel.store!.buildingData.replaceBuildingData(demoBuilding());
  other = new Database(dbPath);
});

afterEach(async () => {
  other.close();
  await panel.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('answers a tap that could not be decided with an error, and the next tap with its own decision', async () => {
  const base = `http://127.0.0.1:${panel.apiAddress().port}`;
  const tap = (uid: string) => api(base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid });
  // Every commit of an audit row fails (a deferred foreign key), as a bug or a corrupt schema would.
  other.exec(`
    CREATE TABLE test_gate_parent (id INTEGER PRIMARY KEY);
    CREATE TABLE test_gate (ref INTEGER REFERENCES test_gate_parent(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER test_fail_commit AFTER INSERT ON audit_events BEGIN INSERT INTO test_gate VALUES (1); END;
  `);
  const failed = await tap(DEMO_CARDS.resident);
  expect(failed).toMatchObject({ status: 409, body: { error: { code: 'tap_undecided' } } });
  other.exec('DROP TRIGGER test_fail_commit');

  // Were the first request's listener still waiting, it would take this decision (a denial) as its own.
  expect(await tap(DEMO_CARDS.revoked)).toMatchObject({ status: 200, body: { granted: false } });
  expect(await tap(DEMO_CARDS.resident)).toMatchObject({ status: 200, body: { granted: true } });
});
