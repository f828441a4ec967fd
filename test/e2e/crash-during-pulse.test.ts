import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../scripts/lab/until.ts';
import { FakeSysfsChip, inLab } from '../hal/gpio/fake-sysfs.ts';
import { INSTALLER, panelConfig } from '../support/configs.ts';
import { api } from '../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../support/panel-process.ts';
import { seedCards } from '../support/seed.ts';
import { tempDir } from '../support/temp-dir.ts';

// The real panel process on the onoff (sysfs) driver, against a fake sysfs tree in the lab namespace:
// what the relay line holds after SIGKILL mid-pulse, and what a restart does with it.
describe.runIf(inLab)('panel killed during an unlock pulse', () => {
  const RELAY = 17;
  let chip: FakeSysfsChip;
  let dir: string;
  let configPath: string;
  let panel: PanelProcess | undefined;

  beforeAll(() => {
    chip = new FakeSysfsChip({ base: 704, label: 'pinctrl-crash', ngpio: 32, lines: [RELAY, 22, 23, 24] });
    dir = tempDir();
    configPath = writeConfig(
      dir,
      panelConfig({
        storePath: join(dir, 'panel.db'),
        gpio: 'onoff',
        chip: 'pinctrl-crash',
        pulseMs: 30_000,
      }),
    );
  });
  afterAll(async () => {
    await panel?.stop();
    chip.remove();
  });

  const seedCard = (uid: string) => seedCards(join(dir, 'panel.db'), 'entrance', [uid]);

  it('comes back locked with the audit log intact', async () => {
    panel = await startPanel(['--config', configPath]);
    expect(chip.physical(RELAY)).toBe(false);
    seedCard('04A1B2C3');
    const tap = await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: '04A1B2C3' });
    expect(tap.body).toMatchObject({ granted: true });
    expect(chip.physical(RELAY)).toBe(true); // energized: the strike is open, 30 s pulse running

    await panel.kill();
    panel = undefined;
    expect(chip.physical(RELAY)).toBe(true); // nothing relocked it: the process is gone

    panel = await startPanel(['--config', configPath]);
    expect(chip.physical(RELAY)).toBe(false);
    const { body } = await api(panel.base, 'GET', '/api/v1/doors');
    expect(body.doors[0]).toMatchObject({ id: 'entrance', locked: true });

    const events = (await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER))
      .body.events as {
      seq: number;
      type: string;
    }[];
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // gap-free
    const types = events.map((e) => e.type);
    const granted = types.indexOf('access.granted');
    expect(granted).toBeGreaterThan(-1);
    expect(types.indexOf('door.unlocked')).toBeGreaterThan(granted);
    expect(types.filter((t) => t === 'system.started')).toHaveLength(2);

    const db = new Database(join(dir, 'panel.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    // and the panel works as before
    const again = await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', {
      uid: '04A1B2C3',
    });
    expect(again.body).toMatchObject({ granted: true });
    expect(chip.physical(RELAY)).toBe(true);
  });

  it('locks every relay on SIGTERM, even mid-pulse', async () => {
    if (!panel) panel = await startPanel(['--config', configPath]);
    await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: '04A1B2C3' });
    await until(() => chip.physical(RELAY), 'relay energized', 5000);
    expect(await panel.stop()).toBe(0);
    panel = undefined;
    expect(chip.physical(RELAY)).toBe(false);
  });
});
