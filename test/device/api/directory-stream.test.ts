/**
 * The panel page's live directory on a real panel (sim hardware): the stream sends the directory when it
 * opens and again after an applied config that changed it; the number of streams is bounded.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DIRECTORY_STREAMS } from '../../../device/api/routes/directory-stream.ts';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';

interface Follower {
  directories: () => { bellId: string }[][];
  cancel: () => Promise<void>;
}

async function follow(base: string): Promise<Follower> {
  const res = await fetch(`${base}/api/v1/directory/stream`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  let text = '';
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      text += value;
    }
  })();
  return {
    directories: () =>
      text
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => (JSON.parse(l.slice(6)) as { bells: { bellId: string }[] }).bells),
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

describe('the live directory stream', () => {
  let panel: Panel;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir();
    panel = new Panel({
      config: validateConfig(
        demoConfig({
          storePath: join(dir, 'panel.db'),
          port: 0,
          installerToken: 'test-installer-token-0123',
        }),
      ),
      logger: silentLogger,
    });
    await panel.start();
    panel.store?.buildingData.replaceBuildingData(demoBuilding());
    base = `http://127.0.0.1:${panel.apiAddress().port}`;
  }, 30_000);
  afterAll(async () => {
    await panel?.stop();
  });

  it('sends the directory at once, and again after an applied config changed it', async () => {
    const f = await follow(base);
    await until(() => f.directories().length === 1, 'the first directory', 5000);
    expect(f.directories()[0]!.map((b) => b.bellId)).toContain('bell-anna');
    // A config without Anna's bell, applied as sync applies one (the data, then the audit record).
    const building = demoBuilding();
    building.bells = (building.bells ?? []).filter((b) => b.id !== 'bell-anna');
    panel.store!.buildingData.replaceBuildingData(building);
    panel.audit!.append({ type: 'config.applied', data: { version: 2, kind: 'snapshot', epoch: 0 } });
    await until(() => f.directories().length === 2, 'the changed directory', 5000);
    expect(f.directories()[1]!.map((b) => b.bellId)).not.toContain('bell-anna');
    // Applied again without a change: nothing new is sent (checked after a change that is sent).
    panel.audit!.append({ type: 'config.applied', data: { version: 3, kind: 'patch', epoch: 0 } });
    // Let the stream handle that one on its own (it reads the directory on the next turn).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    panel.store!.buildingData.replaceBuildingData(demoBuilding());
    panel.audit!.append({ type: 'config.applied', data: { version: 4, kind: 'snapshot', epoch: 0 } });
    await until(() => f.directories().length >= 3, 'the restored directory', 5000);
    expect(f.directories()).toHaveLength(3);
    await f.cancel();
  });

  it('refuses streams beyond its bound', async () => {
    const open: Follower[] = [];
    for (let i = 0; i < MAX_DIRECTORY_STREAMS; i++) open.push(await follow(base));
    await until(
      async () => (await fetch(`${base}/api/v1/directory/stream`)).status === 429,
      'a refusal',
      5000,
    );
    await Promise.all(open.map((f) => f.cancel()));
    await until(
      async () => {
        const res = await fetch(`${base}/api/v1/directory/stream`);
        await res.body?.cancel();
        return res.status === 200;
      },
      'room again once they closed',
      5000,
    );
  });
});
