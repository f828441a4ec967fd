/**
 * Factory reset end to end on the real panel process: relays locked, residents, cards and the panel's
 * secrets erased (database, PIN override, provisioned config), one line in the log, and the same
 * process back up, unprovisioned, with panel.yaml's own settings.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { writePinOverride } from '../../../device/installer/pin-source.ts';
import { hashPin } from '../../../lib/crypto/pin-hash.ts';
import { until } from '../../../scripts/lab/until.ts';
import { panelConfig } from '../../support/configs.ts';
import { api } from '../../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { seedCards } from '../../support/seed.ts';
import { tempDir } from '../../support/temp-dir.ts';

const CONFIG_PIN = '27182818';
const OVERRIDE_PIN = '16180339';
const UID = '04AABBCC';

describe('factory reset', () => {
  let panel: PanelProcess | undefined;
  afterAll(async () => {
    await panel?.stop();
  });

  it('locks the relays, erases residents, cards and secrets, and restarts the process unprovisioned', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const db = join(data, 'panel.db');
    const config = panelConfig({ storePath: db, pulseMs: 30_000 });
    const configPath = writeConfig(dir, {
      ...config,
      api: { ...(config['api'] as object), installerPinHash: await hashPin(CONFIG_PIN) },
    });
    panel = await startPanel(['--config', configPath]);
    const base = panel.base;
    await writePinOverride(data, await hashPin(OVERRIDE_PIN));
    writeFileSync(join(data, 'provisioned.yaml'), 'sync: {}\n');
    seedCards(db, 'entrance', [UID]);
    const tap = await api(base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: UID });
    expect(tap.body).toMatchObject({ granted: true });
    // The 30 s pulse is running: the reset must lock it.
    expect((await api(base, 'GET', '/api/v1/sim/relays')).body.relays[0].energized).toBe(true);

    // The data folder's PIN wins over panel.yaml's.
    expect((await api(base, 'POST', '/api/v1/installer/session', { pin: CONFIG_PIN })).status).toBe(401);
    const session = await api(base, 'POST', '/api/v1/installer/session', { pin: OVERRIDE_PIN });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${session.body.token}` };
    const reset = await api(base, 'POST', '/api/v1/installer/factory-reset', { confirm: 'erase' }, auth);
    expect(reset.status).toBe(202);

    const readyLines = () => [
      ...panel!.output().matchAll(/"port":(\d+),"panelId":"[^"]*","msg":"panel ready"/g),
    ];
    await until(() => readyLines().length === 2, 'the panel to come back after the reset', 20_000);
    const after = `http://127.0.0.1:${readyLines()[1]![1]}`;
    // The same process (execve in place): it never exited.
    expect(await Promise.race([panel.exited.then(() => 'exited'), Promise.resolve('running')])).toBe(
      'running',
    );
    expect(panel.output()).toContain('factory reset by the installer');

    expect((await api(after, 'GET', '/api/v1/sim/relays')).body.relays[0].energized).toBe(false);
    expect((await api(after, 'GET', '/api/v1/doors')).body.doors[0]).toMatchObject({ locked: true });
    const denied = await api(after, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: UID });
    expect(denied.body).toMatchObject({ granted: false, reason: 'unknown_card' });
    for (const file of ['installer-pin.hash', 'provisioned.yaml', 'installer-pin-backoff.json'])
      expect(existsSync(join(data, file)), file).toBe(false);
    const fresh = new Database(db, { readonly: true, fileMustExist: true });
    try {
      for (const table of ['residents', 'cards', 'units', 'access_rules', 'bells', 'app_devices'])
        expect(fresh.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
      const types = fresh.prepare('SELECT type FROM audit_events ORDER BY seq').pluck().all() as string[];
      // The erased log's events are gone; the new one starts with the restart.
      expect(types).not.toContain('installer.entered');
      expect(types).toContain('system.started');
    } finally {
      fresh.close();
    }
    // The override is gone: panel.yaml's PIN, the provisioned one, opens installer mode again.
    expect((await api(after, 'POST', '/api/v1/installer/session', { pin: OVERRIDE_PIN })).status).toBe(401);
    expect((await api(after, 'POST', '/api/v1/installer/session', { pin: CONFIG_PIN })).status).toBe(201);
    // The installer token in panel.yaml was a key too (installer/config-secrets.ts); the wiring stays.
    const rewritten = readFileSync(configPath, 'utf8');
    expect(rewritten).not.toContain('test-installer-token');
    expect(rewritten).toContain('installerPinHash');
    expect(rewritten).toContain('entrance');
    expect(
      (
        await api(after, 'GET', '/api/v1/events', undefined, {
          authorization: 'Bearer test-installer-token-0123456789',
        })
      ).status,
    ).toBe(401);
  }, 60_000);
});
