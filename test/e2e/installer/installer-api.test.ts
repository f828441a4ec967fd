/**
 * Installer mode on the real panel process (simulated GPIO and reader): every installer route refuses
 * without a session; the PIN opens one; the self-test shows relays, live inputs and reader reads without
 * the UID; a relay test goes through the one door-open path and is audited; the log export carries no UID
 * or secret; wrong PINs back off with 429 and Retry-After, and the backoff survives a restart.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPin } from '../../../lib/crypto/pin-hash.ts';
import { until } from '../../../scripts/lab/until.ts';
import { INSTALLER, panelConfig } from '../../support/configs.ts';
import { api } from '../../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { seedCards } from '../../support/seed.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { readEvents } from './sse.ts';

const PIN = '31415926';
const UID = '04C0FFEE112233';

describe('installer mode API on the panel process', () => {
  let dir: string;
  let configPath: string;
  let panel: PanelProcess | undefined;

  beforeAll(async () => {
    dir = tempDir();
    const config = panelConfig({ storePath: join(dir, 'data', 'panel.db') });
    configPath = writeConfig(dir, {
      ...config,
      api: { ...(config['api'] as object), installerPinHash: await hashPin(PIN) },
      log: { level: 'debug' },
    });
    panel = await startPanel(['--config', configPath]);
  }, 30_000);
  afterAll(async () => {
    await panel?.stop();
  });

  const base = () => panel!.base;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const events = async (type: string) =>
    (
      (await api(base(), 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER)).body.events as {
        type: string;
        data: Record<string, unknown>;
        doorId: string | null;
      }[]
    ).filter((e) => e.type === type);

  it('refuses every installer route without a session, and a wrong or stale token', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/installer/self-test'],
      ['GET', '/api/v1/installer/stream'],
      ['GET', '/api/v1/installer/camera.jpg'],
      ['GET', '/api/v1/installer/microphone'],
      ['POST', '/api/v1/installer/speaker-test'],
      ['GET', '/api/v1/installer/logs'],
      ['POST', '/api/v1/installer/doors/entrance/test-pulse', {}],
      ['POST', '/api/v1/installer/factory-reset', { confirm: 'erase' }],
      ['DELETE', '/api/v1/installer/session'],
    ];
    for (const [method, path, body] of routes) {
      expect((await api(base(), method, path, body)).status, `${method} ${path}`).toBe(401);
      expect((await api(base(), method, path, body, bearer('not-a-session'))).status).toBe(401);
    }
    const relays = (await api(base(), 'GET', '/api/v1/sim/relays')).body.relays;
    expect(relays[0].energizeCount).toBe(0);
    expect((await api(base(), 'GET', '/api/v1/installer/status')).body).toEqual({
      pinConfigured: true,
      retryAfterS: 0,
    });
    // A PIN that is not 6-12 digits is bad input, not a try.
    const bad = await api(base(), 'POST', '/api/v1/installer/session', { pin: '12ab' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('pin');
  });

  it('enters with the PIN; the self-test, the relay test and the live stream work; leaving ends it', async () => {
    const entered = await api(base(), 'POST', '/api/v1/installer/session', { pin: PIN });
    expect(entered.status).toBe(201);
    const token = entered.body.token as string;
    const auth = bearer(token);

    const self = (await api(base(), 'GET', '/api/v1/installer/self-test', undefined, auth)).body;
    expect(self.identity).toMatchObject({ panelId: 'test-panel' });
    expect(self.software.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(self.relays).toEqual([{ doorId: 'entrance', name: 'Entrance', locked: true }]);
    expect(self.inputs.map((i: { id: string }) => i.id)).toEqual([
      'entrance.exitButton',
      'entrance.doorContact',
      'entrance.tamper',
    ]);
    expect(self.readers).toEqual([{ id: 'entrance-reader', name: 'Sim Reader', attached: true }]);
    expect(self.network.broker).toEqual({ configured: false, connected: false, since: null });
    expect(self.clock.sync).toMatch(/^(synchronized|not_synchronized|unknown)$/);
    expect(self.disk.freeBytes).toBeGreaterThan(0);
    expect(self.media).toEqual({ intercom: false });

    const stream = await readEvents(`${base()}/api/v1/installer/stream`, auth);
    try {
      await stream.next('state');
      await api(base(), 'POST', '/api/v1/sim/inputs/entrance.tamper', { active: true });
      expect(await stream.next('input')).toEqual({
        id: 'entrance.tamper',
        doorId: 'entrance',
        role: 'tamper',
        active: true,
      });
      await api(base(), 'POST', '/api/v1/sim/inputs/entrance.tamper', { active: false });
      seedCards(join(dir, 'data', 'panel.db'), 'entrance', [UID]);
      await api(base(), 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: UID });
      const read = await stream.next('card-read');
      expect(read).toMatchObject({ readerId: 'entrance-reader', uidLength: 7 });
      expect(stream.text()).not.toContain(UID);
      // The tap opened the door: relay events both ways (the pulse is 1 s).
      expect(await stream.next('relay')).toMatchObject({ doorId: 'entrance', locked: false });
      expect(await stream.next('relay')).toMatchObject({ doorId: 'entrance', locked: true });

      const pulse = await api(base(), 'POST', '/api/v1/installer/doors/entrance/test-pulse', {}, auth);
      expect(pulse.status).toBe(202);
      expect(await stream.next('relay')).toMatchObject({ locked: false });
      expect((await api(base(), 'POST', '/api/v1/installer/doors/nope/test-pulse', {}, auth)).status).toBe(
        404,
      );
    } finally {
      stream.close();
    }
    const tested = await events('installer.relay_tested');
    expect(tested).toHaveLength(1);
    expect(tested[0]!.doorId).toBe('entrance');
    const unlocks = await events('door.unlocked');
    expect(unlocks.at(-1)!.data).toMatchObject({ cause: 'api' });

    // No intercom on this panel: clear answers for camera, microphone and speaker.
    const camera = await api(base(), 'GET', '/api/v1/installer/camera.jpg', undefined, auth);
    expect(camera.status).toBe(503);
    expect(camera.body.error.message).toContain('no intercom');
    expect((await api(base(), 'GET', '/api/v1/installer/microphone', undefined, auth)).body.available).toBe(
      false,
    );
    expect((await api(base(), 'POST', '/api/v1/installer/speaker-test', undefined, auth)).status).toBe(404);

    // The factory reset wants the word.
    const unconfirmed = await api(
      base(),
      'POST',
      '/api/v1/installer/factory-reset',
      { confirm: 'yes' },
      auth,
    );
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.message).toContain('"erase"');

    const logs = await fetch(`${base()}/api/v1/installer/logs?lines=2000`, { headers: auth });
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toContain('application/x-ndjson');
    expect(logs.headers.get('content-disposition')).toMatch(
      /^attachment; filename="portvakt-test-panel-.*\.ndjson"$/,
    );
    const text = await logs.text();
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) JSON.parse(line);
    expect(text).toContain('panel ready');
    for (const secret of [UID, token, PIN, 'test-installer-token-0123456789'])
      expect(text).not.toContain(secret);

    expect((await api(base(), 'DELETE', '/api/v1/installer/session', undefined, auth)).status).toBe(204);
    expect((await api(base(), 'GET', '/api/v1/installer/self-test', undefined, auth)).status).toBe(401);
    // Scripts keep the installer token.
    expect((await api(base(), 'GET', '/api/v1/installer/self-test', undefined, INSTALLER)).status).toBe(200);
    expect((await events('installer.entered')).length).toBe(1);
    expect((await events('installer.left')).map((e) => e.data['reason'])).toEqual(['left']);
    expect((await events('installer.logs_exported')).length).toBe(1);
  }, 60_000);

  it('backs off after wrong PINs with 429 and Retry-After, also after a restart', async () => {
    for (let i = 0; i < 2; i++)
      expect((await api(base(), 'POST', '/api/v1/installer/session', { pin: '000000' })).status).toBe(401);
    const third = await api(base(), 'POST', '/api/v1/installer/session', { pin: '000000' });
    expect(third.status).toBe(401);
    expect(third.body.error.message).toContain('30 s');
    const during = await fetch(`${base()}/api/v1/installer/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: PIN }),
    });
    expect(during.status).toBe(429);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(20);
    expect((await events('installer.pin_refused')).length).toBe(3);
    expect((await events('installer.backoff')).length).toBe(1);

    await panel!.stop();
    panel = await startPanel(['--config', configPath]);
    const after = await fetch(`${base()}/api/v1/installer/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: PIN }),
    });
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(10);
    const status = (await api(base(), 'GET', '/api/v1/installer/status')).body;
    expect(status.retryAfterS).toBeGreaterThan(10);
    await until(
      async () => (await events('installer.backoff')).length === 2,
      'the backoff audited again',
      5000,
    );
  }, 60_000);
});
