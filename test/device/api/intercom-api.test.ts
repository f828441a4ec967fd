/**
 * The intercom over the local API on a real panel (sim hardware, sim camera through GStreamer, no cloud
 * sync): the directory as the visitor sees it, ringing, busy, hanging up, bad input, and the panel page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { type Logger, silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** A logger that keeps every message, in order, whichever child logged it. */
function recordingLogger(messages: string[]): Logger {
  const log = (obj: object | string, msg?: string) =>
    messages.push(typeof obj === 'string' ? obj : (msg ?? ''));
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('the intercom at panel start', () => {
  it('comes up behind the panel: doors and API are ready first, and a bell rung at once waits for it', async () => {
    const dir = tempDir();
    const messages: string[] = [];
    const panel = new Panel({
      config: validateConfig(
        demoConfig({
          storePath: join(dir, 'panel.db'),
          port: 0,
          installerToken: 'test-installer-token-0123',
        }),
      ),
      logger: recordingLogger(messages),
    });
    try {
      await panel.start();
      // Ready without the media stack: the camera and the media process are still starting.
      expect(messages).not.toContain('intercom ready');
      panel.store?.buildingData.replaceBuildingData(demoBuilding());
      const base = `http://127.0.0.1:${panel.apiAddress().port}`;
      const ring = await fetch(`${base}/api/v1/bells/bell-anna/ring`, { method: 'POST' });
      expect(ring.status).toBe(202);
      expect(messages).toContain('intercom ready');
    } finally {
      await panel.stop();
    }
  }, 30_000);
});

describe('intercom over the local API', () => {
  let panel: Panel;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir();
    const ui = join(dir, 'ui');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>panel</title>');
    writeFileSync(join(ui, 'main.js'), 'export {};');
    panel = new Panel({
      config: validateConfig(
        demoConfig({
          storePath: join(dir, 'panel.db'),
          port: 0,
          installerToken: 'test-installer-token-0123',
        }),
      ),
      logger: silentLogger,
      panelUiDir: ui,
    });
    await panel.start();
    panel.store?.buildingData.replaceBuildingData(demoBuilding());
    base = `http://127.0.0.1:${panel.apiAddress().port}`;
  }, 30_000);
  afterAll(async () => {
    await panel?.stop();
  });

  const post = (path: string) => fetch(`${base}${path}`, { method: 'POST' });
  const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

  it('lists the directory without hidden residents, pictures only where the building allows them', async () => {
    const res = await fetch(`${base}/api/v1/directory`);
    expect(res.status).toBe(200);
    const { bells } = (await res.json()) as {
      bells: { bellId: string; displayText: string; picture: unknown }[];
    };
    expect(bells.length).toBeGreaterThan(3);
    const hidden = (demoBuilding().residents ?? []).filter((r) => r.hidden);
    expect(hidden.length).toBeGreaterThan(0);
    const shown = JSON.stringify(bells);
    for (const r of hidden) expect(shown).not.toContain(r.name);
    expect(bells.some((b) => typeof b.picture === 'string' && b.picture.startsWith('data:image/'))).toBe(
      true,
    );
  });

  it('rings a bell, tells a second visitor the panel is busy, and hangs up', async () => {
    const ring = await post('/api/v1/bells/bell-anna/ring');
    expect(ring.status).toBe(202);
    const { callId, call } = (await ring.json()) as { callId: string; call: { phase: string } };
    expect(call.phase).toBe('ringing');
    expect(await json(await fetch(`${base}/api/v1/call`))).toMatchObject({ phase: 'ringing', callId });

    const busy = await post('/api/v1/bells/bell-erik/ring');
    expect(busy.status).toBe(409);
    expect(await json(busy)).toMatchObject({ error: { code: 'busy' } });

    const hangup = await post(`/api/v1/calls/${callId}/hangup`);
    expect(hangup.status).toBe(200);
    expect(await json(hangup)).toEqual({ phase: 'idle', last: { callId, outcome: 'cancelled' } });
    const again = await post(`/api/v1/calls/${callId}/hangup`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: { code: 'no_such_call' } });
  });

  it('answers bad bell and call ids with errors that name the problem', async () => {
    const unknown = await post('/api/v1/bells/no-such-bell/ring');
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({
      error: { message: expect.stringContaining('no-such-bell') },
    });
    const bad = await post(`/api/v1/bells/${encodeURIComponent('../x')}/ring`);
    expect(bad.status).toBe(400);
    const badCall = await post('/api/v1/calls/x/hangup');
    expect(badCall.status).toBe(400);
    // Nothing rang: the call state still names the last call (the one hung up above), unchanged.
    expect(await json(await fetch(`${base}/api/v1/call`))).toMatchObject({ phase: 'idle' });
    expect(await json(await fetch(`${base}/api/v1/call`))).not.toHaveProperty('callId');
  });

  it('serves the panel page with a strict content security policy, and nothing outside it', async () => {
    for (const path of ['/', '/panel', '/panel/index.html']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    expect((await fetch(`${base}/panel/main.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const path of ['/panel/../package.json', '/panel/%2e%2e%2fpackage.json', '/panel/nope.js']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });

  it('documents the intercom routes in its OpenAPI document', async () => {
    const doc = (await json(await fetch(`${base}/api/v1/openapi.json`))) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/directory', '/api/v1/bells/{bellId}/ring', '/api/v1/call']),
    );
  });
});
