import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { until } from '../../scripts/lab/until.ts';
import { INSTALLER } from '../support/configs.ts';
import { api } from '../support/http.ts';
import { type PanelProcess, startPanel } from '../support/panel-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// The simulator as a newcomer runs it (`--sim`): demo building, simulated GPIO and readers.
describe('simulator panel over its local API', () => {
  let panel: PanelProcess;
  let token = '';

  beforeAll(async () => {
    panel = await startPanel(['--sim', '--port', '0', '--data-dir', tempDir()]);
    // The banner follows the "panel ready" log line; it may arrive in a later chunk.
    token = await until(() => /Bearer ([0-9a-f]{32})/.exec(panel.output())?.[1] ?? '', 'the banner', 5000);
  });
  afterAll(async () => {
    await panel?.stop();
  });

  const relay = async (name: string) => {
    const { body } = await api(panel.base, 'GET', '/api/v1/sim/relays');
    return body.relays.find((r: { name: string }) => r.name === name);
  };
  const tap = (uid: string, reader = 'entrance-reader') =>
    api(panel.base, 'POST', `/api/v1/sim/readers/${reader}/tap`, { uid });

  it('grants a resident card, pulses the relay and locks again', async () => {
    const before = await relay('main-entrance.relay');
    expect(before.energized).toBe(false);
    const res = await tap(DEMO_CARDS.resident);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ granted: true, reason: 'granted', doorIds: ['main-entrance'] });
    const during = await relay('main-entrance.relay');
    expect(during.energized).toBe(true);
    expect(during.energizeCount).toBe(before.energizeCount + 1);
    await until(async () => !(await relay('main-entrance.relay')).energized, 'relay to lock again', 10_000);
  });

  it('denies with a reason and never energizes the relay', async () => {
    const cases: [string, string][] = [
      [DEMO_CARDS.unknown, 'unknown_card'],
      [DEMO_CARDS.blocked, 'card_blocked'],
      [DEMO_CARDS.revoked, 'card_revoked'],
      [DEMO_CARDS.removedResident, 'resident_removed'],
    ];
    const before = await relay('main-entrance.relay');
    for (const [uid, reason] of cases) {
      const res = await tap(uid);
      expect(res.body).toMatchObject({ granted: false, reason });
    }
    expect((await relay('main-entrance.relay')).energizeCount).toBe(before.energizeCount);
  });

  it('records every decision in the audit log, card numbers only as hashes', async () => {
    // The installer token the banner printed reads the audit log too.
    const { body } = await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, {
      authorization: `Bearer ${token}`,
    });
    const types = body.events.map((e: { type: string }) => e.type);
    expect(types).toContain('access.granted');
    expect(types).toContain('access.denied');
    expect(types).toContain('door.unlocked');
    const seqs = body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(JSON.stringify(body)).not.toContain(DEMO_CARDS.unknown);
    const logLines = panel
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('card decided'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(DEMO_CARDS.resident);
  });

  it('raises forced-open when the door opens without an unlock, and clears it on close', async () => {
    await api(panel.base, 'POST', '/api/v1/sim/inputs/main-entrance.doorContact', { active: true });
    await until(
      async () => {
        const { body } = await api(panel.base, 'GET', '/api/v1/doors');
        return body.doors[0].alarms.includes('forced_open');
      },
      'the forced_open alarm',
      5000,
    );
    await api(panel.base, 'POST', '/api/v1/sim/inputs/main-entrance.doorContact', { active: false });
    await until(
      async () => {
        const { body } = await api(panel.base, 'GET', '/api/v1/doors');
        return body.doors[0].alarms.length === 0;
      },
      'the alarms to clear',
      5000,
    );
  });

  it('unlocks for an installer with the token only', async () => {
    expect((await api(panel.base, 'POST', '/api/v1/doors/bike-room/unlock')).status).toBe(401);
    const wrong = await api(panel.base, 'POST', '/api/v1/doors/bike-room/unlock', undefined, {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    const ok = await api(panel.base, 'POST', '/api/v1/doors/bike-room/unlock', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(ok.status).toBe(202);
    expect((await relay('bike-room.relay')).energized).toBe(true);
    const unknown = await api(panel.base, 'POST', '/api/v1/doors/attic/unlock', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(unknown.status).toBe(404);
    expect(INSTALLER.authorization).not.toContain(token);
  });

  it('answers bad requests with 4xx and a message, and keeps running', async () => {
    const bad: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: 'zz' }, 400, /non-hex/],
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: '0102' }, 400, /bytes/],
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', 'not json', 400, /not valid JSON/],
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: '04A1B2C3', extra: 1 }, 400, /extra/],
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', {}, 400, /uid/],
      ['POST', '/api/v1/sim/readers/no-such-reader/tap', { uid: '04A1B2C3' }, 404, /no reader/],
      ['POST', '/api/v1/sim/inputs/main-entrance.doorContact', { active: 'yes' }, 400, /active/],
      ['POST', '/api/v1/sim/inputs/nothing', { active: true }, 404, /no input/],
      ['GET', '/api/v1/events?after=-1', undefined, 400, /after/],
      ['GET', '/api/v1/events?limit=100000', undefined, 400, /limit/],
      ['GET', '/api/v1/nowhere', undefined, 404, /no route/],
      ['DELETE', '/api/v1/doors', undefined, 405, /not allowed/],
      ['POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: 'A'.repeat(20000) }, 413, /exceeds/],
    ];
    for (const [method, path, body, status, message] of bad) {
      const res = await api(panel.base, method, path, body, { authorization: `Bearer ${token}` });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.body.error.message, `${method} ${path}`).toMatch(message);
    }
    expect((await api(panel.base, 'GET', '/healthz')).status).toBe(200);
  });

  it('serves an OpenAPI document that lists every route', async () => {
    const { body } = await api(panel.base, 'GET', '/api/v1/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/api/v1/doors',
        '/api/v1/events',
        '/api/v1/doors/{id}/unlock',
        '/api/v1/sim/readers/{readerId}/tap',
        '/api/v1/sim/inputs/{inputId}',
        '/api/v1/sim/relays',
      ]),
    );
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const code = await panel.stop();
    expect(code).toBe(0);
  });
});
