/**
 * The card-tap path on a real panel (sim hardware, real SQLite store): the decision and the door's
 * `door.unlocked` are durable before the relay moves, and they are committed together.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import type { SimGpioDriver } from '../../../hal/gpio/sim.ts';
import type { SimCardReaderDriver } from '../../../hal/reader/sim.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

let panel: Panel | undefined;
afterEach(async () => {
  await panel?.stop();
  panel = undefined;
});

async function startPanel(): Promise<{ panel: Panel; dbPath: string; readerName: string }> {
  const dbPath = join(tempDir(), 'panel.db');
  const input = demoConfig({ storePath: dbPath, port: 0, installerToken: 'test-installer-token-0123' });
  const config = validateConfig({ ...input, intercom: { enabled: false } });
  panel = new Panel({ config, logger: silentLogger });
  await panel.start();
  panel.store!.buildingData.replaceBuildingData(demoBuilding());
  return { panel, dbPath, readerName: config.readers[0]!.name };
}

type Row = { type: string; data: string };

describe('a card tap', () => {
  it('commits its decision and door.unlocked together, before the relay moves', async () => {
    const { panel, dbPath, readerName } = await startPanel();
    // Another connection sees only committed rows.
    const reader = new Database(dbPath, { readonly: true });
    const committed = (after: number) =>
      reader.prepare('SELECT type, data FROM audit_events WHERE seq > ? ORDER BY seq').all(after) as Row[];
    const before = panel.audit!.lastSeq();
    const atRelay: Row[][] = [];
    const atFirstEvent: Row[][] = [];
    const offRelay = (panel.gpio as SimGpioDriver).on('relay', (r) => {
      if (r.energized) atRelay.push(committed(before));
    });
    // Events are announced once committed: had the decision been committed alone, door.unlocked would
    // still be missing when its announcement arrives.
    const offAudit = panel.bus.on('audit', () => {
      if (atFirstEvent.length === 0) atFirstEvent.push(committed(before));
    });
    try {
      (panel.readers as SimCardReaderDriver).tap(readerName, DEMO_CARDS.resident);
      await Promise.resolve();
      expect(atRelay).toHaveLength(1);
      expect(atRelay[0]!.map((r) => r.type)).toEqual(['access.granted', 'door.unlocked']);
      expect(atFirstEvent[0]!.map((r) => r.type)).toEqual(['access.granted', 'door.unlocked']);
      const granted = panel.audit!.after(before, 1)[0]!;
      expect(JSON.parse(atRelay[0]![1]!.data)).toMatchObject({ cause: 'access', decisionSeq: granted.seq });
    } finally {
      offRelay();
      offAudit();
      reader.close();
    }
  });
});
